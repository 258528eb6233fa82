import numpy as np
import pytest

from personalization.recsys.data import build_dataset
from personalization.recsys.models import (
    CoVisitation,
    FrequentlyBoughtTogether,
    Popularity,
    RecentPopularity,
    Recommender,
)
from personalization.recsys.models.base import History
from personalization.recsys.models.covisitation import CoVisitationConfig
from personalization.recsys.models.popularity import PopularityConfig

DAY = 86400.0


def test_popularity_counts_weighted_events(tiny_rows):
    dataset = build_dataset(tiny_rows)
    model = Popularity().fit(dataset)
    scores = model.score([[]])[0]
    weight = {e: dataset.event_weights[dataset.event_code(e)] for e in dataset.event_types}
    idx = dataset.item_index.index_of
    assert scores[idx("a")] == pytest.approx(3 * weight["view"])
    assert scores[idx("b")] == pytest.approx(2 * weight["view"] + weight["add_to_cart"])
    assert scores[idx("c")] == pytest.approx(weight["view"] + weight["purchase"])
    assert scores[0] == -np.inf


def test_popularity_decay_prefers_recent_activity():
    rows = [("u1", "old", 0.0), ("u2", "old", 1.0), ("u3", "new", 30 * DAY)]
    dataset = build_dataset(rows)
    plain = Popularity().fit(dataset).score([[]])[0]
    decayed = Popularity(PopularityConfig(half_life_days=7)).fit(dataset).score([[]])[0]
    old, new = dataset.item_index.index_of("old"), dataset.item_index.index_of("new")
    assert plain[old] > plain[new]
    assert decayed[new] > decayed[old]
    assert decayed[new] == pytest.approx(1.0)  # the newest event is not decayed at all


def test_popularity_ignores_the_history():
    model = Popularity().fit(build_dataset([("u", "a", 1), ("u", "b", 2), ("v", "a", 3)]))
    assert np.array_equal(model.score([[1]]), model.score([[2]]))


def test_covisitation_neighbours_come_from_nearby_positions():
    rows = [("u1", "a", 1), ("u1", "b", 2), ("u1", "c", 3), ("u2", "a", 1), ("u2", "b", 2), ("u3", "d", 1)]
    dataset = build_dataset(rows)
    model = CoVisitation(CoVisitationConfig(window=1, normalize=False)).fit(dataset)
    idx = dataset.item_index.index_of
    items, scores = model.neighbours(idx("a"))
    assert items.tolist() == [idx("b")]  # c is two steps away, outside the window
    assert scores.tolist() == [2.0]
    items, scores = model.neighbours(idx("b"))
    # Forward pair b->c weighs 1, the two backward pairs b<-a weigh 0.5 each; equal scores go by index.
    assert dict(zip(items.tolist(), scores.tolist(), strict=True)) == {idx("a"): 1.0, idx("c"): 1.0}
    assert model.neighbours(idx("d"))[0].size == 0


def test_covisitation_scores_follow_the_visitors_last_items():
    rows = []
    for user in range(5):
        rows += [(f"x{user}", "tent", 1), (f"x{user}", "stove", 2)]
        rows += [(f"y{user}", "shoe", 1), (f"y{user}", "sock", 2)]
    rows += [(f"z{user}", "sock", 1) for user in range(20)]  # socks are the bestseller
    dataset = build_dataset(rows)
    model = CoVisitation().fit(dataset)
    idx = dataset.item_index.index_of
    scores = model.score([[idx("tent")]])[0]
    assert int(np.argmax(scores)) == idx("stove")
    # Without co-visits the bestseller still leads, through the popularity fallback.
    assert int(np.argmax(model.score([[]])[0])) == idx("sock")


def test_a_history_scores_a_few_items_as_it_scores_every_item():
    # given co-visits among twelve products over twenty shoppers, and a history of five of them
    rng = np.random.default_rng(3)
    rows = [(f"u{user}", f"p{item}", t) for user in range(20) for t, item in enumerate(rng.integers(0, 12, 8))]
    dataset = build_dataset(rows)
    model = CoVisitation().fit(dataset)
    history = History(np.array([dataset.item_index.index_of(f"p{i}") for i in (3, 1, 4, 1, 5)]))
    every = model.score([history])[0]
    # when some items alone are scored, the padding and repeats among them
    items = np.array([0, 7, 2, 2, 12, 1])
    # then each gets the score it has among every item
    np.testing.assert_allclose(model.score_at(history, items), every[items], rtol=1e-6)
    # and an empty history scores them by the fallback alone
    empty = History(np.zeros(0, dtype=np.int64))
    assert model.score_at(empty, items).tolist() == model.score([empty])[0][items].tolist()


def test_sessions_split_co_visits():
    rows = [("u", "a", 0), ("u", "b", 10 * DAY)]
    model = CoVisitation(CoVisitationConfig(session_gap_seconds=3600)).fit(build_dataset(rows))
    assert model.neighbour_items.size == 0


def test_frequently_bought_together_uses_purchases_in_one_order_only():
    rows = [
        ("u1", "camera", 0, "purchase"),
        ("u1", "card", 5, "purchase"),
        ("u1", "tripod", 30 * DAY, "purchase"),  # a later order
        ("u2", "camera", 0, "view"),
        ("u2", "bag", 5, "view"),  # viewed together, never bought together
    ]
    dataset = build_dataset(rows)
    model = FrequentlyBoughtTogether().fit(dataset)
    idx = dataset.item_index.index_of
    assert model.neighbours(idx("camera"))[0].tolist() == [idx("card")]
    assert model.neighbours(idx("card"))[0].tolist() == [idx("camera")]
    assert model.neighbours(idx("bag"))[0].size == 0


@pytest.mark.parametrize("model_class", [Popularity, CoVisitation, FrequentlyBoughtTogether])
def test_save_load_round_trip_gives_identical_scores(model_class, tiny_rows, tmp_path):
    dataset = build_dataset(tiny_rows)
    model = model_class().fit(dataset)
    histories = [[1, 2], [3], []]
    path = tmp_path / "model.pt"
    model.save(path)
    for loaded in (Recommender.load(path), Recommender.from_bytes(model.to_bytes())):
        assert type(loaded) is model_class
        assert loaded.config == model.config
        assert loaded.item_index.raw_ids == model.item_index.raw_ids
        assert np.array_equal(loaded.score(histories), model.score(histories))


def test_serving_helpers_take_raw_ids(tiny_rows):
    model = CoVisitation().fit(build_dataset(tiny_rows))
    scores = model.score_candidates(["a", "never-seen"], ["b", "zzz", "c"])
    assert scores.shape == (3,)
    assert scores[1] == -np.inf
    top = model.recommend(["a"], k=2)
    assert [item for item, _ in top] == ["b", "c"] and "a" not in dict(top)


def test_recent_popularity_ranks_the_last_seven_days_first_and_breaks_ties_by_all_time_counts():
    # given: "old" was bought often a month ago, "new" twice this week, "mid" once this week
    now = 1_700_000_000.0
    rows = [(f"u{n}", "old", now - 30 * DAY, "purchase") for n in range(9)]
    rows += [("u1", "new", now - DAY, "view"), ("u2", "new", now, "view"), ("u3", "mid", now - 2 * DAY, "view")]
    rows += [("u4", "older", now - 40 * DAY, "view")]
    dataset = build_dataset(rows)
    idx = dataset.item_index.index_of
    # when
    scores = RecentPopularity().fit(dataset).score([[]])[0]
    # then: the week decides, all-time counts order what the week did not see
    assert scores[idx("new")] > scores[idx("mid")] > scores[idx("old")] > scores[idx("older")]
    assert np.argmax(Popularity().fit(dataset).score([[]])[0]) == idx("old")
