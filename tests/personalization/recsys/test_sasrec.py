import dataclasses

import numpy as np
import pytest
import torch

from personalization.recsys.data import build_dataset
from personalization.recsys.evaluation import evaluate, leave_last_out
from personalization.recsys.models import History, Recommender, SASRec
from personalization.recsys.models.sasrec import SASRecConfig, gap_buckets
from personalization.recsys.models.sasrec import model as sasrec_model
from personalization.recsys.trainer import Trainer, TrainerConfig

# The transformer on its own: the second stage fitted after it has its own tests (test_affinity.py).
SMALL = SASRecConfig(hidden=32, layers=1, heads=1, max_len=16, dropout=0.1, affinity_rerank=False)


def fast_trainer(**overrides) -> Trainer:
    settings = {"epochs": 25, "batch_size": 32, "learning_rate": 5e-3, "device": "cpu", "patience": 5}
    return Trainer(TrainerConfig(**{**settings, **overrides}))


@pytest.fixture(scope="module")
def pair_model(pair_dataset):
    return SASRec(SMALL).fit(pair_dataset, trainer=fast_trainer())


def test_transformer_learns_what_comes_next(pair_model, pair_dataset):
    # given: odd items are always followed by their partner (a + 1); 20 items, chance is 1 in 20
    idx = pair_dataset.item_index.index_of
    firsts = [idx(a) for a in range(1, 21, 2)]
    histories = [History(np.array([idx(7), idx(8), first])) for first in firsts]
    # when
    top = np.argmax(pair_model.score(histories), axis=1)
    # then
    hits = [
        pair_dataset.item_index.raw_id(int(t)) == pair_dataset.item_index.raw_id(f) + 1
        for t, f in zip(top, firsts, strict=True)
    ]
    assert np.mean(hits) >= 0.9, hits


def test_transformer_beats_chance_on_the_leave_last_out_protocol(pair_dataset):
    split = leave_last_out(pair_dataset)
    model = SASRec(SMALL).fit(split.train, validation=split.validation, trainer=fast_trainer(epochs=15))
    result = evaluate(model, split.test)
    # Test targets are partners of the item before them: a model that learned the pairs ranks them first.
    assert result.metrics["HR@10"] >= 0.9, result.metrics
    assert model.training_report.best_epoch >= 1


def test_scores_cover_the_catalog_and_score_items_agrees(pair_model, pair_dataset):
    histories = [History(np.array([1, 2, 3])), History(np.array([], dtype=np.int64)), [5]]
    scores = pair_model.score(histories)
    assert scores.shape == (3, pair_dataset.n_items + 1)
    assert np.all(scores[:, 0] == -np.inf)
    candidates = np.array([4, 9, 2])
    assert np.allclose(pair_model.score_items(histories, candidates), scores[:, candidates], atol=1e-5)
    per_row = np.array([[1, 2], [3, 4], [5, 6]])
    assert np.allclose(pair_model.score_items(histories, per_row), np.take_along_axis(scores, per_row, 1), atol=1e-5)


def test_scores_do_not_depend_on_batch_padding(pair_model):
    short, long = History(np.array([3])), History(np.array([1, 2, 3, 4, 5, 6, 7]))
    alone = pair_model.score([short])
    together = pair_model.score([short, long])[:1]
    assert np.allclose(alone, together, atol=1e-5)


def test_save_load_round_trip_gives_identical_scores(pair_model, tmp_path):
    histories = [History(np.array([1, 2, 3]), np.array([1, 1, 2]), np.array([0.0, 60.0, 7200.0])), [4]]
    path = tmp_path / "sasrec.pt"
    pair_model.save(path)
    loaded = Recommender.load(path)
    assert isinstance(loaded, SASRec) and loaded.config == pair_model.config
    assert np.array_equal(loaded.score(histories), pair_model.score(histories))
    assert np.array_equal(Recommender.from_bytes(pair_model.to_bytes()).score(histories), pair_model.score(histories))


def catalog_rows_and_features(n_categories: int = 4, per_category: int = 8, n_users: int = 160, seed: int = 0):
    """Users browse inside one category at a time; each category has its own brand and price level."""
    rng = np.random.default_rng(seed)
    features = {}
    for c in range(n_categories):
        for j in range(per_category):
            features[f"c{c}-{j}"] = {
                "category": f"cat{c}",
                "brand": f"brand{c}",
                "price": 10.0 * 4**c + j,
                "title": f"{['tent', 'stove', 'boot', 'lamp'][c % 4]} model {j}",
            }
    rows = []
    for user in range(n_users):
        c = int(rng.integers(0, n_categories))
        picks = rng.choice(per_category, size=6, replace=False)
        rows += [(f"u{user}", f"c{c}-{j}", 100.0 * step) for step, j in enumerate(picks)]
    features["brand-new-stove"] = {
        "category": "cat1",
        "brand": "brand1",
        "price": 45.0,
        "title": "stove deluxe",
    }
    return rows, features


def test_content_features_give_a_new_product_similar_neighbours():
    rows, features = catalog_rows_and_features()
    dataset = build_dataset(rows, item_features=features)
    new = dataset.item_index.index_of("brand-new-stove")
    assert dataset.item_counts()[new] == 0
    model = SASRec(SASRecConfig(hidden=32, layers=1, max_len=8, dropout=0.1, id_dropout=0.3))
    model.fit(dataset, trainer=fast_trainer(epochs=20))
    vectors = torch.nn.functional.normalize(model.item_matrix()[1:], dim=1).numpy()
    similarity = vectors @ vectors[new - 1]
    similarity[new - 1] = -np.inf
    nearest = [dataset.item_index.raw_id(int(i) + 1) for i in np.argsort(-similarity)[:5]]
    assert all(name.startswith("c1-") for name in nearest), nearest


def test_sampled_softmax_is_used_above_the_threshold_and_still_learns(pair_dataset, monkeypatch):
    config = SASRecConfig(**{**SMALL.__dict__, "sampled_softmax_threshold": 5, "sampled_negatives": 8})
    classes = []
    cross_entropy = sasrec_model.F.cross_entropy

    def spy(logits, targets, **kwargs):
        classes.append(logits.shape[1])
        return cross_entropy(logits, targets, **kwargs)

    monkeypatch.setattr(sasrec_model.F, "cross_entropy", spy)
    losses = []
    SASRec(config).fit(pair_dataset, trainer=fast_trainer(epochs=6), progress=lambda e, loss, m: losses.append(loss))
    assert set(classes) == {9}  # the target and 8 shared negatives, not the 20-item catalog
    assert losses[-1] < losses[0]


def test_purchases_weigh_more_than_views_in_what_the_model_learns_to_predict():
    # after item 1, 60% of shoppers look at item 2 and 40% buy item 3, whatever they saw before
    rows = []
    for user in range(200):
        then, event = (2, "view") if user % 5 < 3 else (3, "purchase")
        rows += [
            {"user_id": user, "item_id": 10 + user // 5 % 10, "timestamp": 1.0, "event_type": "view"},
            {"user_id": user, "item_id": 1, "timestamp": 2.0, "event_type": "view"},
            {"user_id": user, "item_id": then, "timestamp": 3.0, "event_type": event},
        ]
    dataset = build_dataset(rows)
    idx = dataset.item_index.index_of
    history = [History(np.array([idx(10), idx(1)]))]

    def next_scores(weighted: bool) -> tuple[float, float]:
        config = SASRecConfig(**{**SMALL.__dict__, "weight_targets_by_event": weighted})
        scores = SASRec(config).fit(dataset, trainer=fast_trainer(epochs=30)).score(history)[0]
        return scores[idx(2)], scores[idx(3)]

    viewed, bought = next_scores(weighted=False)
    assert viewed > bought  # by count alone, the view comes next more often
    viewed, bought = next_scores(weighted=True)
    assert bought > viewed  # weighted, the purchase (5 x 40%) outweighs the view (1 x 60%)


def test_training_is_reproducible_with_a_seed(pair_dataset):
    histories = [[1, 2, 3]]
    first = SASRec(SMALL).fit(pair_dataset, trainer=fast_trainer(epochs=2, seed=3)).score(histories)
    second = SASRec(SMALL).fit(pair_dataset, trainer=fast_trainer(epochs=2, seed=3)).score(histories)
    assert np.array_equal(first, second)


def test_trainer_stops_early_keeps_the_best_epoch_and_writes_a_checkpoint(pair_dataset, tmp_path):
    split = leave_last_out(pair_dataset)
    seen = []
    checkpoint = tmp_path / "best.pt"
    trainer = fast_trainer(epochs=40, patience=2, min_epochs=1, learning_rate=2e-2, checkpoint_path=str(checkpoint))
    model = SASRec(SMALL).fit(
        split.train, validation=split.validation, trainer=trainer, progress=lambda *args: seen.append(args)
    )
    report = model.training_report
    assert [epoch for epoch, _, _ in seen] == list(range(1, report.epochs + 1))
    assert all("NDCG@10" in metrics for _, _, metrics in seen)
    assert report.stopped_early and report.epochs < 40
    assert report.best_metrics["NDCG@10"] == max(metrics["NDCG@10"] for _, _, metrics in seen)
    assert evaluate(model, split.validation).metrics["NDCG@10"] == pytest.approx(report.best_metrics["NDCG@10"])
    assert evaluate(Recommender.load(checkpoint), split.validation).metrics["NDCG@10"] == pytest.approx(
        report.best_metrics["NDCG@10"]
    )
    assert report.device == "cpu"


def test_after_early_stopping_a_tail_of_epochs_learns_the_validation_items(pair_dataset):
    split = leave_last_out(pair_dataset)
    trainer = fast_trainer(epochs=3, min_epochs=1)
    without = SASRec(SMALL).fit(split.train, validation=split.validation, trainer=trainer)
    tail = SASRec(dataclasses.replace(SMALL, validation_tail_epochs=2))
    model = tail.fit(split.train, validation=split.validation, trainer=fast_trainer(epochs=3, min_epochs=1))
    report = model.training_report
    assert report.tail_epochs == 2 and without.training_report.tail_epochs == 0
    assert report.epochs == without.training_report.epochs + 2
    # The validation items are now training data: the model ranks them higher than before it saw them.
    before = evaluate(without, split.validation).metrics["MRR"]
    assert evaluate(model, split.validation).metrics["MRR"] > before


def test_unavailable_cuda_is_an_error_not_a_silent_fallback(pair_dataset):
    if torch.cuda.is_available():
        pytest.skip("this machine has CUDA")
    with pytest.raises(RuntimeError, match="CUDA"):
        SASRec(SMALL).fit(pair_dataset, trainer=fast_trainer(device="cuda", epochs=1))


def test_gap_buckets_grow_with_the_log_of_the_gap():
    buckets = gap_buckets(np.array([0.0, 0.0, 1.0, 1000.0, 1e9]), n_buckets=26)
    assert buckets.tolist() == [1, 2, 3, 11, 27]


def test_serving_one_visitor_over_the_catalog_is_fast(pair_model):
    import time

    history = History(np.arange(1, 17) % 20 + 1)
    candidates = np.arange(1, pair_model.n_items + 1)
    pair_model.score_items([history], candidates)
    started = time.perf_counter()
    for _ in range(20):
        pair_model.score_items([history], candidates)
    assert (time.perf_counter() - started) / 20 < 0.05


def test_time_gaps_are_used_only_when_timestamps_tell_the_pace():
    # given: one data set stamped in bulk (every gap 0 s), one with real gaps
    bulk = build_dataset([(u, i, 1000.0) for u in range(5) for i in range(6)])
    paced = build_dataset([(u, i, 1000.0 + 60.0 * i) for u in range(5) for i in range(6)])
    trainer = fast_trainer(epochs=1)
    # when / then: the decision is stored in the config
    assert SASRec(SMALL).fit(bulk, trainer=trainer).config.use_time_gaps is False
    assert SASRec(SMALL).fit(paced, trainer=trainer).config.use_time_gaps is True
    assert (
        SASRec(SASRecConfig(**{**SMALL.__dict__, "use_time_gaps": False}))
        .fit(paced, trainer=trainer)
        .config.use_time_gaps
        is False
    )


def test_training_reorders_only_items_with_equal_timestamps():
    # given: items 1-3 share a timestamp, 4 and 5 follow one minute apart each
    rows = [("u", i, t) for i, t in ((1, 0.0), (2, 0.0), (3, 0.0), (4, 60.0), (5, 120.0))]
    model = SASRec(SMALL)
    dataset = build_dataset(rows)
    model._adopt_catalog(dataset)
    model.use_training_data(dataset)
    seen = set()
    rng = np.random.default_rng(0)
    for _ in range(40):
        (batch,) = model.training_batches(rng, 8)
        sequence = [*batch["items"][0].tolist(), batch["targets"][0, -1].item()]
        assert batch["targets"][0, :-1].tolist() == batch["items"][0, 1:].tolist()
        raw = [dataset.item_index.raw_id(i) for i in sequence]
        assert sorted(raw[:3]) == [1, 2, 3] and raw[3:] == [4, 5]
        seen.add(tuple(raw[:3]))
    assert len(seen) > 1


def test_seen_items_leave_the_training_softmax_only_when_repeats_are_rare():
    # given: one data set where nobody returns to an item, one where visitors often do
    once = build_dataset([(u, i, 60.0 * i) for u in range(5) for i in range(6)])
    again = build_dataset([(u, i % 3, 60.0 * i) for u in range(5) for i in range(6)])
    trainer = fast_trainer(epochs=1)
    assert SASRec(SMALL).fit(once, trainer=trainer).config.exclude_seen_in_loss is True
    assert SASRec(SMALL).fit(again, trainer=trainer).config.exclude_seen_in_loss is False


def test_seen_mask_hides_earlier_items_but_never_the_target():
    items = torch.tensor([[0, 2, 3, 1]])
    rows, positions = torch.tensor([0, 0, 0]), torch.tensor([1, 2, 3])
    targets = torch.tensor([3, 1, 2])  # the last target repeats item 2
    seen = sasrec_model._seen_before(items, rows, positions, targets, n_items=4)
    assert seen.tolist() == [
        [False, True, False, False],
        [False, True, True, False],
        [True, False, True, False],
    ]


def test_sampled_softmax_computes_only_the_vectors_of_the_batch_and_the_negatives(monkeypatch):
    # given: a catalogue with content features, above the sampled-softmax threshold
    rows, features = catalog_rows_and_features()
    dataset = build_dataset(rows, item_features=features)
    config = SASRecConfig(**{**SMALL.__dict__, "sampled_softmax_threshold": 5, "sampled_negatives": 8})
    model = SASRec(config)
    model.prepare_training(dataset)
    network = model.network.eval()
    # then: the vectors of some items (padding included) are those rows of every item's vectors
    some = torch.tensor([0, 3, 7, dataset.n_items])
    assert torch.allclose(network.item_vectors(some), network.item_vectors()[some], atol=1e-6)
    # and a training step never computes the whole catalogue's
    asked = []
    real = network.item_vectors
    monkeypatch.setattr(network, "item_vectors", lambda rows=None: asked.append(rows) or real(rows))
    batch = next(iter(model.training_batches(np.random.default_rng(0), 16)))
    network.train()
    model.training_loss(batch).backward()
    assert len(asked) == 1 and asked[0] is not None and len(asked[0]) < dataset.n_items + 1
    # below the threshold the full softmax scores every item
    model.config = dataclasses.replace(config, sampled_softmax_threshold=dataset.n_items)
    model.training_loss(batch)
    assert asked[1] is None


def test_one_shoppers_vector_is_kept_until_another_history_or_new_weights(pair_model, monkeypatch):
    # given a count of the transformer's passes
    passes = []
    real = pair_model.network.encode
    monkeypatch.setattr(pair_model.network, "encode", lambda *a, **k: passes.append(1) or real(*a, **k))
    pair_model.invalidate_cache()
    history = History(np.array([1, 2, 3]))
    # when a page retrieves with a history and scores with it again
    first = pair_model.user_vectors([history])
    again = pair_model.user_vectors([History(np.array([1, 2, 3]))])
    assert len(passes) == 1 and torch.equal(first, again)
    # then another history, or weights that changed, are encoded afresh
    pair_model.user_vectors([History(np.array([2, 3]))])
    pair_model.invalidate_cache()
    pair_model.user_vectors([history])
    assert len(passes) == 3
    # and a batch of several never reads the kept one
    np.testing.assert_allclose(pair_model.user_vectors([history, history])[0], first[0], rtol=1e-5, atol=1e-6)
    assert len(passes) == 4
