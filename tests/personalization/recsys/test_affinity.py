import numpy as np
import pytest

from personalization.recsys.choices import Choice, choices_index
from personalization.recsys.content import encode_item_features
from personalization.recsys.data import build_dataset
from personalization.recsys.evaluation import evaluate, leave_last_out
from personalization.recsys.models import History, Recommender, SASRec
from personalization.recsys.models.affinity import (
    CONFOUNDED,
    FEATURES,
    MIN_EXAMPLES,
    AffinityConfig,
    AffinityReranker,
)
from personalization.recsys.models.sasrec import SASRecConfig
from personalization.recsys.trainer import Trainer, TrainerConfig

CATEGORIES, BRANDS, PER_BRAND = 3, 4, 4


def brand_loyal_rows(n_users: int = 360, length: int = 10, seed: int = 0):
    """Shoppers who keep to one brand per category, near one price level; which category comes next is random.

    Nothing sequential to learn beyond the category, so the ranking inside it is the visitor's own taste.
    """
    rows, features, _ = brand_loyal_shoppers(n_users, length, seed)
    return rows, features


def brand_loyal_shoppers(n_users: int, length: int, seed: int):
    """Rows, item features and each shopper's favourite brand per category."""
    rng = np.random.default_rng(seed)
    favourites = {}
    features = {}
    for c in range(CATEGORIES):
        for b in range(BRANDS):
            for j in range(PER_BRAND):
                features[f"c{c}b{b}p{j}"] = {"category": f"cat{c}", "brand": f"brand{b}", "price": 10.0 + 10 * j + b}
    rows = []
    for user in range(n_users):
        favourite = favourites[f"u{user}"] = rng.integers(0, BRANDS, CATEGORIES)
        level = int(rng.integers(0, PER_BRAND))
        for step in range(length):
            c = int(rng.integers(0, CATEGORIES))
            if rng.random() < 0.85:
                b, j = int(favourite[c]), int(np.clip(level + rng.integers(-1, 2), 0, PER_BRAND - 1))
            else:
                b, j = int(rng.integers(0, BRANDS)), int(rng.integers(0, PER_BRAND))
            rows.append((f"u{user}", f"c{c}b{b}p{j}", 60.0 * step + user * 86400.0))
    return rows, features, favourites


def popular_first_lists(favourites, rows, seed: int = 1):
    """One logged list per shopper, mid-history: a category's cards in one fixed (popular-first) order.

    The shopper reads top-down and clicks the first card of their favourite brand (now and then another).
    """
    rng = np.random.default_rng(seed)
    first_seen = {}
    for user, _, t in rows:
        first_seen.setdefault(user, t)
    choices = []
    for user, favourite in favourites.items():
        c = int(rng.integers(0, CATEGORIES))
        cards = [f"c{c}b{b}p{j}" for j in range(PER_BRAND) for b in range(BRANDS)][:8]
        clicked = next(
            (card for card in cards if (f"b{favourite[c]}p" in card and rng.random() < 0.9) or rng.random() < 0.05),
            None,
        )
        if clicked is not None:
            shown = tuple((card, position) for position, card in enumerate(cards, start=1))
            choices.append(Choice(user, first_seen[user] + 60.0 * 5 + 1, shown, clicked))
    return choices


@pytest.fixture(scope="module")
def loyal_model():
    rows, features = brand_loyal_rows()
    dataset = build_dataset(rows, item_features=features)
    split = leave_last_out(dataset)
    model = SASRec(SASRecConfig(hidden=32, layers=1, max_len=16, dropout=0.1))
    trainer = Trainer(TrainerConfig(epochs=8, batch_size=32, learning_rate=5e-3, device="cpu", min_epochs=1))
    model.fit(split.train, validation=split.validation, trainer=trainer)
    return model, split


def test_the_affinity_stage_learns_brand_loyalty_and_ranks_held_out_items_better(loyal_model):
    model, split = loyal_model
    report = model.affinity_report
    assert report.used, report
    assert report.ndcg_reranked > report.ndcg_base
    assert report.weights["brand_in_category"] > 0
    assert report.weights["price_distance"] < 0
    with_stage = evaluate(model, split.test).metrics["NDCG@10"]
    stage, model.affinity = model.affinity, None
    try:
        without = evaluate(model, split.test).metrics["NDCG@10"]
    finally:
        model.affinity = stage
    assert with_stage > without + 0.05, (with_stage, without)


def test_score_items_agrees_with_score_and_the_artifact_keeps_the_stage(loyal_model):
    model, split = loyal_model
    histories = list(split.test.histories[:5])
    full = model.score(histories)
    candidates = np.array([3, 1, 7, 20])
    np.testing.assert_allclose(model.score_items(histories, candidates), full[:, candidates], rtol=1e-5)
    loaded = Recommender.from_bytes(model.to_bytes())
    assert loaded.affinity is not None
    np.testing.assert_allclose(loaded.score(histories), full, rtol=1e-5, atol=1e-5)


def test_features_are_the_shares_of_the_history_weighted_by_event_and_recency():
    features = {
        "cam-a-cheap": {"category": "camera", "brand": "A", "price": 100},
        "cam-a-dear": {"category": "camera", "brand": "A", "price": 300},
        "cam-b-mid": {"category": "camera", "brand": "B", "price": 200},
        "card-b": {"category": "card", "brand": "B", "price": 20},
    }
    ids = list(features)
    content = encode_item_features(features, ids)
    np.testing.assert_allclose(content.price_rank[1:], [0.0, 1.0, 0.5, 0.5])
    event_weights = np.array([0.0, 1.0, 5.0])  # padding, view, purchase
    reranker = AffinityReranker.for_catalog(content, np.array([0, 4, 1, 1, 1]), event_weights, decay=0.5)
    # Viewed the cheap A camera, then bought the B card: weights 1 * 0.5 and 5 * 1.
    history = History(np.array([1, 4]), np.array([1, 2]))
    base = np.zeros((1, 5), dtype=np.float32)
    base[0, 0] = -np.inf
    f = reranker.features([history], base)[0]
    column = {name: i for i, name in enumerate(FEATURES)}
    total = 0.5 + 5.0
    np.testing.assert_allclose(f[1:, column["category"]], [0.5 / total] * 3 + [5.0 / total], rtol=1e-6)
    np.testing.assert_allclose(f[1:, column["brand"]], [0.5 / total] * 2 + [5.0 / total] * 2, rtol=1e-6)
    # Inside "camera" the history only has brand A; the card's category only has brand B.
    np.testing.assert_allclose(f[1:, column["brand_in_category"]], [1.0, 1.0, 0.0, 1.0])
    # The camera history sits at price rank 0; the card's own category at 0.5.
    np.testing.assert_allclose(f[1:, column["price_distance"]], [0.0, 1.0, 0.5, 0.0])
    np.testing.assert_allclose(f[1:, column["same_category_as_last"]], [0, 0, 0, 1])
    np.testing.assert_allclose(f[1:, column["viewed"]], [1, 0, 0, 0])
    np.testing.assert_allclose(f[1:, column["bought"]], [0, 0, 0, 1])
    assert not f[0].any()


def test_too_few_held_out_visitors_leave_the_base_ranking_alone():
    content = encode_item_features({i: {"category": "c", "brand": "b", "price": i} for i in range(1, 4)}, [1, 2, 3])
    reranker = AffinityReranker.for_catalog(content, np.ones(4), np.array([0.0, 1.0]), decay=0.9)
    n = MIN_EXAMPLES - 1
    base = np.random.default_rng(0).random((n, 4)).astype(np.float32)
    report = reranker.fit([History(np.array([1]))] * n, np.full(n, 2), base, AffinityConfig())
    assert not report.used and "needed" in report.reason
    np.testing.assert_array_equal(reranker.weights, AffinityReranker.neutral_weights())


def test_logged_clicks_teach_the_stage_brand_loyalty_and_it_ignores_the_old_order():
    rows, features, favourites = brand_loyal_shoppers(240, 10, seed=3)
    dataset = build_dataset(rows, item_features=features)
    split = leave_last_out(dataset)
    choices = popular_first_lists(favourites, rows)
    model = SASRec(SASRecConfig(hidden=16, layers=1, max_len=16, dropout=0.1))
    trainer = Trainer(TrainerConfig(epochs=3, batch_size=32, device="cpu", min_epochs=1))
    model.fit(split.train, validation=split.validation, trainer=trainer, choices=choices)
    report = model.affinity_report
    assert report.used and "logged clicks" in report.reason, report
    assert report.examples > 200
    assert report.weights["brand_in_category"] + report.weights["brand"] > 0.5
    assert all(report.weights[name] == 0 for name in CONFOUNDED)
    assert model.affinity.transitions is None  # a zero weight: no co-visitation to compute when serving

    def favourite_brand_first(shoppers) -> int:
        """How many shoppers get their own brand on top of category 0."""
        index, hits = dataset.item_index, 0
        category = [index.index_of(f"c0b{b}p{j}") for b in range(BRANDS) for j in range(PER_BRAND)]
        for user, favourite in shoppers:
            seq = next(s for s in split.train.sequences if s.user_id == user)
            scores = model.score([History(seq.items, seq.events)])[0]
            best = category[int(np.argmax(scores[category]))]
            hits += index.raw_id(best).startswith(f"c0b{favourite[0]}")
        return hits

    shoppers = list(favourites.items())[:60]
    with_stage = favourite_brand_first(shoppers)
    stage, model.affinity = model.affinity, None
    without = favourite_brand_first(shoppers)
    model.affinity = stage
    assert with_stage >= 45 and with_stage > without + 10, (with_stage, without)


def test_choices_are_cut_at_the_click_and_keep_only_what_came_before():
    rows = [("u1", "a", 10.0), ("u1", "b", 20.0), ("u1", "c", 30.0), ("u2", "a", 50.0)]
    dataset = build_dataset(rows)
    index = dataset.item_index
    shown = (("c", 3), ("a", 1), ("b", 2), ("zzz-unknown", 4))
    choices = [
        Choice("u1", 25.0, shown, "b"),  # history before 25: a, b
        Choice("u1", 31.0, shown, "a"),  # after u1's last interaction: held-out territory, left out
        Choice("u2", 40.0, shown, "a"),  # nothing known of u2 yet
        Choice("u3", 40.0, shown, "a"),  # unknown visitor
        Choice("u1", 15.0, shown, "zzz-unknown"),  # clicked card unknown
        Choice("u1", 12.0, shown, "a"),  # clicked the first card: one examined card
    ]
    chosen = choices_index(dataset, choices)
    assert len(chosen) == 2
    np.testing.assert_array_equal(chosen.histories[0].items, index.indices_of(["a", "b"]))
    np.testing.assert_array_equal(chosen.candidates[0], index.indices_of(["a", "b"]))
    np.testing.assert_array_equal(chosen.positions[0], [1, 2])
    assert list(chosen.clicked) == [1, 0]
    np.testing.assert_array_equal(chosen.histories[1].items, index.indices_of(["a"]))
    np.testing.assert_array_equal(chosen.candidates[1], [index.index_of("a"), 0])


def paired_rows(n_users: int = 300, pairs: int = 40, seed: int = 0):
    """Bare item ids: every "a" item is followed by its own "b" item; which pair comes next is random.

    Histories have 7 items (a b a b a b a), so each validation target is the "b" of the "a" before it.
    """
    rng = np.random.default_rng(seed)
    rows = []
    for user in range(n_users):
        step = 0
        for k in rng.integers(0, pairs, 4):
            for item in (f"a{k}", f"b{k}"):
                rows.append((f"u{user}", item, user * 86400.0 + 60.0 * step))
                step += 1
        rows.pop()  # end on an "a": the validation target is a "b", the test target an "a"
    return rows


def test_without_content_features_the_stage_learns_what_follows_from_co_visitation():
    dataset = build_dataset(paired_rows())
    assert dataset.content is None
    split = leave_last_out(dataset)
    model = SASRec(SASRecConfig(hidden=8, layers=1, max_len=8, dropout=0.1))
    model.fit(split.train, validation=split.validation, trainer=Trainer(TrainerConfig(epochs=1, device="cpu")))
    report = model.affinity_report
    assert report.used, report
    assert report.weights["covisit"] > 0.5
    # One epoch of a tiny transformer barely knows the pairs; the counted ones do.
    assert report.ndcg_reranked > report.ndcg_base + 0.2, report
    loaded = Recommender.from_bytes(model.to_bytes())
    histories = list(split.validation.histories[:4])
    np.testing.assert_allclose(loaded.score(histories), model.score(histories), rtol=1e-5, atol=1e-5)


def test_a_stage_saved_before_the_co_visitation_feature_still_loads_and_scores_as_it_did(loyal_model):
    model, split = loyal_model
    old = model.affinity.state()
    del old["transitions"]
    old["weights"] = old["weights"][: FEATURES.index("covisit")]
    stage = AffinityReranker.from_state(old)
    assert stage.transitions is None and stage.weights[FEATURES.index("covisit")] == 0
    histories = list(split.test.histories[:3])
    base = model.base_scores(histories)
    current = model.affinity.features(histories, base)[..., : FEATURES.index("covisit")]
    np.testing.assert_allclose(
        stage.rerank(histories, base)[:, 1:], (current @ old["weights"].numpy())[:, 1:], rtol=1e-5
    )


def wide_stage(n_items: int, seed: int = 0) -> AffinityReranker:
    rng = np.random.default_rng(seed)
    return AffinityReranker.for_catalog(None, rng.integers(0, 5, n_items + 1), np.ones(4), decay=0.9)


def some_histories(n: int, n_items: int, seed: int = 0) -> list[History]:
    rng = np.random.default_rng(seed)
    return [History(rng.integers(1, n_items + 1, 3), timestamps=np.arange(3.0)) for _ in range(n)]


def test_features_are_computed_a_few_rows_at_a_time_on_a_large_catalogue():
    from personalization.recsys.models.affinity import FEATURE_VALUES_PER_CHUNK, ROWS_PER_CHUNK, rows_per_chunk

    assert rows_per_chunk(601) == rows_per_chunk(4097) == ROWS_PER_CHUNK  # the demo store's chunks
    assert rows_per_chunk(100_001) == 12 and rows_per_chunk(1_000_001) == 1
    assert 10_000_001 * len(FEATURES) > FEATURE_VALUES_PER_CHUNK and rows_per_chunk(10_000_001) == 1  # one at least


def test_fitting_on_a_large_catalogue_never_holds_its_scores_or_features_for_every_visitor(monkeypatch):
    # given: 200 held-out visitors of a 30,000-item catalogue, the base scores given as a function
    n_items, n = 30_000, 200
    stage = wide_stage(n_items)
    histories = some_histories(n, n_items)
    targets = np.random.default_rng(1).integers(1, n_items + 1, n)
    rng = np.random.default_rng(2)
    asked, built = [], []

    def base(some):
        asked.append(len(some))
        return rng.random((len(some), n_items + 1)).astype(np.float32)

    real = AffinityReranker.features

    def features(self, some, scores, *columns):
        built.append(len(some) * scores.shape[1])
        return real(self, some, scores, *columns)

    monkeypatch.setattr(AffinityReranker, "features", features)
    # when
    report = stage.fit(histories, targets, base, AffinityConfig())
    # then: every visitor was scored, a chunk at a time, and no chunk's scores or features passed the bound
    assert report.examples == n and sum(asked) == n
    assert max(asked) * (n_items + 1) <= 2**24 and max(built) * len(FEATURES) <= 2**24


def test_above_the_full_catalogue_the_stage_fits_on_a_sample_of_the_visitors(monkeypatch):
    from personalization.recsys.models import affinity

    n_items, n = 600, 120
    histories = some_histories(n, n_items)
    targets = np.random.default_rng(1).integers(1, n_items + 1, n)
    base = np.random.default_rng(2).random((n, n_items + 1)).astype(np.float32)
    monkeypatch.setattr(affinity, "MAX_SAMPLED_EXAMPLES", 50)
    # a catalogue ranked whole: every visitor
    assert wide_stage(n_items).fit(histories, targets, base, AffinityConfig()).reason.startswith("fitted on 120 ")
    # a catalogue above MAX_FULL_CATALOG (sampled candidates): at most MAX_SAMPLED_EXAMPLES visitors
    monkeypatch.setattr(affinity, "MAX_FULL_CATALOG", 100)
    assert wide_stage(n_items).fit(histories, targets, base, AffinityConfig()).reason.startswith("fitted on 50 of 120 ")


def test_the_stage_scores_given_items_alone_as_it_scores_them_among_every_item(loyal_model):
    # given the fitted stage and the transformer's scores of five visitors' histories
    model, split = loyal_model
    stage = model.affinity
    histories = list(split.test.histories[:5])
    base = model.base_scores(histories)
    every = stage.rerank(histories, base)
    # when every item's scores stand in for the catalogue's (reference), for all items and for a few
    columns = np.arange(base.shape[1])
    alone = stage.rerank_items(histories, base, columns, base[:, 1:])
    few = np.array([9, 0, 3, 17, 1])
    some = stage.rerank_items(histories, base[:, few], few, base[:, 1:])
    # then the same scores (co-visitation's standardisation is exact without every item's value); unknown: -inf
    np.testing.assert_allclose(alone[:, 1:], every[:, 1:], rtol=1e-4, atol=1e-4)
    np.testing.assert_allclose(some[:, [0, 2, 3, 4]], every[:, [9, 3, 17, 1]], rtol=1e-4, atol=1e-4)
    assert np.isneginf(some[:, 1]).all() and np.isneginf(alone[:, 0]).all()


def test_above_the_exact_size_sasrec_scores_candidates_without_scoring_the_catalogue(loyal_model, monkeypatch):
    from personalization.recsys.models.sasrec import model as sasrec_model

    model, split = loyal_model
    histories = list(split.test.histories[:5])
    candidates = np.array([3, 1, 7, 20, 0, 11])
    every = model.score(histories)[:, candidates]
    monkeypatch.setattr(sasrec_model, "EXACT_STANDARDISATION_ITEMS", 10)
    monkeypatch.setattr(model, "score", lambda *a, **k: pytest.fail("the whole catalogue was scored"))
    # a reference sample as large as the catalogue: the very same scores
    np.testing.assert_allclose(model.score_items(histories, candidates), every, rtol=1e-4, atol=1e-4)
    # a sample of 24 of its 48 items stands for it: nearly the same scores, the same best candidate
    monkeypatch.setattr(sasrec_model, "REFERENCE_ITEMS", 24)
    sampled = model.score_items(histories, candidates)
    assert len(model.reference_items()) == 24
    known = candidates > 0
    assert (sampled[:, known].argmax(1) == every[:, known].argmax(1)).all()
    for mine, exact in zip(sampled[:, known], every[:, known], strict=True):
        assert np.corrcoef(mine, exact)[0, 1] > 0.95
    per_row = model.score_items(histories, np.tile(candidates, (5, 1)))
    np.testing.assert_allclose(per_row, sampled, rtol=1e-5)


def test_a_page_of_lists_scores_the_reference_sample_once_per_shopper(loyal_model, monkeypatch):
    from personalization.recsys.models.sasrec import model as sasrec_model

    model, split = loyal_model
    monkeypatch.setattr(sasrec_model, "EXACT_STANDARDISATION_ITEMS", 10)
    monkeypatch.setattr(sasrec_model, "REFERENCE_ITEMS", 24)
    model.invalidate_cache()
    asked = []
    real = model._base_items
    monkeypatch.setattr(model, "_base_items", lambda h, items: asked.append(len(items)) or real(h, items))
    history = split.test.histories[0]
    # when three lists of a page are scored for one shopper, then one for another
    first = model.score_items([history], np.array([3, 1, 7]))
    model.score_items([history], np.array([5, 9]))
    again = model.score_items([history], np.array([3, 1, 7]))
    model.score_items([split.test.histories[1]], np.array([3, 1, 7]))
    # then the 24 reference items were scored once per shopper, each list's own items every time
    assert asked == [3, 24, 2, 3, 3, 24]
    np.testing.assert_array_equal(first, again)


def test_above_the_full_catalogue_the_fit_computes_the_sampled_candidates_features_alone(loyal_model, monkeypatch):
    from personalization.recsys.models import affinity

    # given the fitted stage (co-visitation and the regression included), histories and sampled candidates
    model, split = loyal_model
    stage = model.affinity
    histories = list(split.validation.histories[:6])
    candidates = np.random.default_rng(3).integers(1, model.n_items + 1, (6, 9))
    base = model.base_scores(histories)
    every_item, _, _ = stage._gather(histories, candidates, base)
    # when the catalogue counts as large: the candidates' own features, never every item's
    monkeypatch.setattr(affinity, "MAX_FULL_CATALOG", 10)
    widths = []
    real = AffinityReranker.features
    monkeypatch.setattr(
        AffinityReranker, "features", lambda self, h, b, *more: widths.append(b.shape[1]) or real(self, h, b, *more)
    )
    alone, _, _ = stage._gather(histories, candidates, base)
    # then the same features, standardised on each whole row
    assert widths == [9] * 6
    np.testing.assert_allclose(alone, every_item, rtol=1e-4, atol=1e-5)


def test_scoring_a_few_items_of_a_large_catalogue_takes_memory_in_their_number_not_the_catalogues():
    import tracemalloc

    from personalization.recsys.models.covisitation import CoVisitation

    # given the stage of a 1,000,000-item catalogue (five categories) with a co-visitation table (each item's
    # neighbours the next ten), and one visitor's history
    n_items = 1_000_000
    stage = wide_stage(n_items)
    table = CoVisitation()
    table.indptr = np.arange(0, 10 * (n_items + 2), 10, dtype=np.int64)
    table.neighbour_items = (np.arange(10 * (n_items + 1)) // 10 + np.tile(np.arange(1, 11), n_items + 1)) % n_items + 1
    table.neighbour_scores = np.full(10 * (n_items + 1), 0.5, dtype=np.float32)
    table.fallback = np.linspace(1e-6, 0, n_items + 1, dtype=np.float32)
    stage.transitions = table
    history = some_histories(1, n_items)
    columns = np.arange(1, 701)
    base, reference = np.zeros((1, len(columns)), np.float32), np.zeros((1, 2048), np.float32)
    stage.rerank_items(history, base, columns, reference)
    # when a listing's 700 items are scored
    tracemalloc.start()
    scores = stage.rerank_items(history, base, columns, reference)
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    # then the features held are those items' (700 x 12 values), not a per-item array of the catalogue (8 MB)
    assert scores.shape == (1, len(columns)) and np.isfinite(scores).all()
    assert peak < 1_000_000, f"{peak:,} bytes"
