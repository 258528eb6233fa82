import numpy as np
import pytest

from personalization.recsys.data import build_dataset
from personalization.recsys.evaluation import HeldOut, evaluate, global_time_split, leave_last_out, rank_targets, top_k
from personalization.recsys.models.base import History, Recommender
from personalization.recsys.trainer import held_out_rows


class FixedScores(Recommender):
    """Scores every history with the same row: higher index, higher score unless told otherwise."""

    name = "fixed-scores-for-tests"
    Config = dict

    def __init__(self, scores: np.ndarray) -> None:
        super().__init__({})
        self.scores = np.asarray(scores, dtype=np.float32)
        self.item_index = type(self.item_index)(list(range(1, len(scores))))

    def fit(self, dataset, **kwargs):
        return self

    def score(self, histories):
        return np.tile(self.scores, (len(histories), 1))

    def _state(self):
        return {}

    def _load_state(self, state, *, device):
        pass


def held_out(histories, targets) -> HeldOut:
    n = len(targets)
    return HeldOut(
        user_ids=tuple(range(n)),
        histories=tuple(History(np.asarray(h, dtype=np.int64)) for h in histories),
        targets=np.asarray(targets, dtype=np.int64),
        target_times=np.zeros(n),
        first_seen=np.zeros(n),
    )


def test_leave_last_out_holds_out_the_last_two_interactions():
    rows = [("long", i, i) for i in range(5)] + [("short", 10, 1), ("short", 11, 2)]
    dataset = build_dataset(rows)
    split = leave_last_out(dataset)
    index = dataset.item_index.index_of
    train = {s.user_id: s.items.tolist() for s in split.train.sequences}
    assert train == {"long": [index(0), index(1), index(2)], "short": [index(10), index(11)]}
    assert split.validation.user_ids == ("long",)
    assert split.validation.targets.tolist() == [index(3)]
    assert split.validation.histories[0].items.tolist() == [index(0), index(1), index(2)]
    assert split.test.targets.tolist() == [index(4)]
    assert split.test.histories[0].items.tolist() == [index(0), index(1), index(2), index(3)]
    assert split.train.n_items == dataset.n_items  # the catalog is never shrunk to the training items


def test_history_items_are_excluded_from_the_ranking():
    scores = np.arange(6, dtype=np.float32)  # item 5 best, then 4, ...
    ranks, top = rank_targets(
        scores[None].repeat(2, 0), [History(np.array([5, 4])), History(np.array([]))], np.array([3, 3]), k=3
    )
    assert ranks.tolist() == [0, 2]
    assert top[0].tolist() == [3, 2, 1]
    assert top[1].tolist() == [5, 4, 3]


def test_a_repeated_target_is_not_masked():
    scores = np.arange(6, dtype=np.float32)[None]
    ranks, _ = rank_targets(scores, [History(np.array([5, 4]))], np.array([4]), k=3)
    assert ranks.tolist() == [0]


def test_padding_is_never_ranked_even_with_a_high_score():
    scores = np.array([[100.0, 1.0, 2.0]], dtype=np.float32)
    ranks, top = rank_targets(scores, [History(np.array([], dtype=np.int64))], np.array([1]), k=2)
    assert ranks.tolist() == [1]
    assert top[0].tolist() == [2, 1]


def test_ties_are_broken_by_item_index():
    scores = np.zeros((1, 8), dtype=np.float32)
    ranks, top = rank_targets(scores, [History(np.array([2]))], np.array([5]), k=4)
    assert ranks.tolist() == [3]  # items 1, 3 and 4 come first; 2 is in the history
    assert top[0].tolist() == [1, 3, 4, 5]


def test_top_k_matches_a_stable_full_sort():
    rng = np.random.default_rng(1)
    scores = rng.integers(0, 4, size=(50, 300)).astype(np.float32)
    scores[:, :5] = -np.inf
    assert (top_k(scores, 20) == np.argsort(-scores, axis=1, kind="stable")[:, :20]).all()


def test_evaluation_ranks_against_the_full_catalog_not_a_sample():
    n_items = 1000
    scores = np.arange(n_items + 1, dtype=np.float32)  # item 1000 ranks first
    model = FixedScores(scores)
    result = evaluate(model, held_out([[]], [200]))
    assert result.ranks.tolist() == [800]  # 800 items score higher: the full catalog counts
    assert result.metrics["MRR"] == pytest.approx(1 / 801)
    assert result.metrics["HR@10"] == 0.0


def test_evaluation_reports_all_metrics_and_segments():
    model = FixedScores(np.arange(11, dtype=np.float32))
    result = evaluate(model, held_out([[10], [10, 9]], [9, 8]), item_popularity=np.arange(11))
    assert result.ranks.tolist() == [0, 0]
    assert result.metrics["HR@10"] == 1.0 and result.metrics["NDCG@10"] == 1.0
    assert result.metrics["Recall@20"] == 1.0 and result.metrics["MRR"] == 1.0
    assert set(result.metrics) >= {"coverage@10", "avg_popularity@10", "users"}
    assert all(isinstance(v, float) for v in result.metrics.values())
    assert set(result.segments) == {"new", "returning", "few", "many", "new_item", "one_or_two_events"}
    assert result.segments["few"]["users"] == 2


def test_global_time_split_trains_before_the_cut_and_tests_the_first_interaction_after_it():
    # given: two users active on both sides of t=100, one only before, one only after
    rows = [("a", f"i{t}", t) for t in (10, 20, 30, 40, 110, 120)]
    rows += [("b", "i10", 50), ("b", "i20", 60), ("b", "new", 105)]
    rows += [("c", "i30", 5), ("c", "i40", 15)]
    rows += [("d", "i10", 130), ("d", "i20", 140)]
    dataset = build_dataset(rows)
    index = dataset.item_index.index_of
    # when: 40% of the 13 timestamps lie after the cut (it falls between 60 and 105)
    split = global_time_split(dataset, test_share=0.4)
    # then
    train = {s.user_id: s.items.tolist() for s in split.train.sequences}
    assert train == {
        "a": [index("i10"), index("i20"), index("i30")],
        "b": [index("i10"), index("i20")],
        "c": [
            index("i30"),
            index("i40"),
        ],
    }
    assert max(s.timestamps.max() for s in split.train.sequences) < 105
    assert split.validation.user_ids == ("a",) and split.validation.targets.tolist() == [index("i40")]
    assert split.test.user_ids == ("a", "b")  # d has no history before the cut: nothing to read
    assert split.test.targets.tolist() == [index("i110"), index("new")]
    assert split.test.histories[0].items.tolist() == [index(f"i{t}") for t in (10, 20, 30, 40)]


def test_global_time_split_refuses_a_test_share_outside_0_1():
    with pytest.raises(ValueError, match="test_share"):
        global_time_split(build_dataset([("a", "x", 1), ("a", "y", 2)]), test_share=1.0)


def test_new_items_and_users_with_one_or_two_events_are_segments_of_their_own():
    # given: item 29 never appears in training (popularity 0); users have 1, 2 and 3 history items
    model = FixedScores(np.arange(31, dtype=np.float32))
    popularity = np.full(31, 5)
    popularity[[0, 29]] = 0
    result = evaluate(model, held_out([[30], [30, 28], [30, 28, 27]], [29, 1, 26]), item_popularity=popularity)
    # then
    assert result.segments["new_item"]["users"] == 1 and result.segments["new_item"]["HR@10"] == 1.0
    assert result.segments["one_or_two_events"]["users"] == 2
    assert result.segments["one_or_two_events"]["HR@10"] == 0.5


def test_brand_exposure_and_novelty_are_reported_for_every_model():
    # given: items 1-10; items 6-10 belong to brand 2, the rest to brand 1; the model ranks 10 first
    model = FixedScores(np.arange(11, dtype=np.float32))
    brand = np.array([0, 1, 1, 1, 1, 1, 2, 2, 2, 2, 2])
    result = evaluate(model, held_out([[]], [1]), item_popularity=np.ones(11), item_brand=brand)
    assert result.brand_exposure == {1: 0.5, 2: 0.5}
    assert result.metrics["brand_gini@10"] == 0.0 and result.metrics["top_brand_share@10"] == 0.5
    assert result.metrics["novelty@10"] == pytest.approx(-np.log2(2 / 20))


def test_keeping_history_lets_a_past_item_take_its_place_in_the_ranking():
    scores = np.arange(6, dtype=np.float32)
    histories = [History(np.array([5, 4]))]
    excluded, _ = rank_targets(scores[None].copy(), histories, np.array([3]), k=3)
    kept, top = rank_targets(scores[None].copy(), histories, np.array([3]), k=3, exclude_history=False)
    assert excluded.tolist() == [0] and kept.tolist() == [2]
    assert top[0].tolist() == [5, 4, 3]


def many_held_out(n: int, n_items: int) -> HeldOut:
    rng = np.random.default_rng(0)
    return held_out([[int(i)] for i in rng.integers(1, n_items + 1, n)], rng.integers(1, n_items + 1, n))


def test_evaluation_covers_every_user_up_to_the_threshold_and_a_fixed_sample_above_it():
    from personalization.recsys.evaluation import SAMPLE_USERS_ABOVE_ITEMS, evaluation_users

    users = many_held_out(50, 100)
    assert evaluation_users(users, SAMPLE_USERS_ABOVE_ITEMS, max_users=10) is users
    assert evaluation_users(users, SAMPLE_USERS_ABOVE_ITEMS + 1, max_users=50) is users  # no more than there are
    sample = evaluation_users(users, SAMPLE_USERS_ABOVE_ITEMS + 1, max_users=10)
    again = evaluation_users(users, SAMPLE_USERS_ABOVE_ITEMS + 1, max_users=10)
    assert len(sample) == 10 and sample.user_ids == again.user_ids  # the same users every time
    assert list(sample.user_ids) == sorted(sample.user_ids)  # in their original order
    rows = list(sample.user_ids)  # held_out() numbers its users by row
    assert sample.targets.tolist() == users.targets[rows].tolist()
    assert [h.items.tolist() for h in sample.histories] == [users.histories[r].items.tolist() for r in rows]


@pytest.mark.parametrize(("n_items", "batches"), [(600, [256, 44]), (100_000, [167, 133])])
def test_a_large_catalogue_is_scored_for_fewer_users_at_a_time_with_the_same_ranks(n_items, batches):
    # given: 300 users; [users, items] scores of a large catalogue would not fit in a bounded batch of 256
    scores = np.random.default_rng(1).random(n_items + 1).astype(np.float32)
    model = FixedScores(scores)
    sizes = []
    real = model.score
    model.score = lambda histories: sizes.append(len(histories)) or real(histories)
    users = many_held_out(300, n_items)
    # when
    result = evaluate(model, users)
    # then: each batch's scores stay under the bound, and every user's rank is what one user at a time gives
    assert sizes == batches
    rows = range(0, 300, 37)
    one_by_one = [evaluate(FixedScores(scores), held_out_rows(users, np.array([r]))).ranks[0] for r in rows]
    assert result.ranks[list(rows)].tolist() == one_by_one
