import math

import numpy as np
import pytest

from personalization.recsys import metrics as m


def test_hit_rate_counts_targets_inside_the_top_k():
    ranks = np.array([0, 3, 9, 10, 50])
    assert m.hit_rate_at_k(ranks, 10) == pytest.approx(3 / 5)
    assert m.hit_rate_at_k(ranks, 1) == pytest.approx(1 / 5)


def test_ndcg_discounts_by_log2_of_the_position():
    ranks = np.array([0, 1, 3, 10])
    expected = (1.0 + 1 / math.log2(3) + 1 / math.log2(5) + 0.0) / 4
    assert m.ndcg_at_k(ranks, 10) == pytest.approx(expected)


def test_mrr_uses_the_full_ranking_beyond_any_cutoff():
    ranks = np.array([0, 1, 99])
    assert m.mrr(ranks) == pytest.approx((1 + 1 / 2 + 1 / 100) / 3)


def test_empty_inputs_give_zero_not_nan():
    empty = np.array([], dtype=np.int64)
    assert m.hit_rate_at_k(empty, 10) == 0.0
    assert m.ndcg_at_k(empty, 10) == 0.0
    assert m.mrr(empty) == 0.0


def test_recall_divides_hits_by_the_number_of_relevant_items():
    top = np.array([[1, 2, 3], [4, 5, 6], [7, 8, 9]])
    relevant = [{1, 3, 10, 11}, {6}, set()]  # the last user has nothing to find and is skipped
    assert m.recall_at_k(top, relevant, 3) == pytest.approx((2 / 4 + 1) / 2)
    assert m.recall_at_k(top, relevant, 2) == pytest.approx((1 / 4 + 0) / 2)


def test_coverage_is_the_share_of_the_catalog_ever_recommended():
    top = np.array([[1, 2], [2, 3], [3, 1]])
    assert m.catalog_coverage(top, n_items=10) == pytest.approx(0.3)


def test_average_popularity_of_recommended_items():
    popularity = np.array([0, 10, 20, 30])
    assert m.average_popularity(np.array([[1, 2], [3, 3]]), popularity) == pytest.approx((10 + 20 + 30 + 30) / 4)


def test_segments_split_new_from_returning_and_few_from_many():
    segments = m.user_segments(
        history_lengths=np.array([3, 30, 5]),
        first_seen=np.array([0.0, 0.0, 100.0]),
        target_time=np.array([10 * 86400.0, 86400.0, 200.0]),
        few_interactions=10,
    )
    assert segments["new"].tolist() == [False, True, True]
    assert segments["returning"].tolist() == [True, False, False]
    assert segments["few"].tolist() == [True, False, True]
    assert segments["many"].tolist() == [False, True, False]


def test_segment_metrics_compute_each_metric_on_its_users_only():
    ranks = np.array([0, 20, 1])
    top = np.zeros((3, 10), dtype=np.int64)
    segments = {
        "a": np.array([True, True, False]),
        "b": np.array([False, False, True]),
        "none": np.zeros(3, bool),
    }
    out = m.segment_metrics(ranks, top, segments, {"HR@10": lambda r, _: m.hit_rate_at_k(r, 10)})
    assert out["a"] == {"users": 2, "HR@10": 0.5}
    assert out["b"] == {"users": 1, "HR@10": 1.0}
    assert out["none"] == {"users": 0}


def test_novelty_is_the_mean_self_information_of_the_recommended_items():
    counts = np.array([0, 6, 1, 1])  # 8 interactions; add-one shares 7/11, 2/11, 2/11
    assert m.novelty(np.array([[1, 2]]), counts) == pytest.approx((-math.log2(7 / 11) - math.log2(2 / 11)) / 2)
    assert m.novelty(np.zeros((0, 2), dtype=np.int64), counts) == 0.0


def test_exposure_share_counts_each_groups_slots():
    brand = np.array([0, 1, 1, 2, 3])
    assert m.exposure_share(np.array([[1, 2], [3, 1]]), brand) == {1: 0.75, 2: 0.25}


def test_gini_is_zero_for_equal_shares_and_grows_with_concentration():
    assert m.gini(np.array([0.25, 0.25, 0.25, 0.25])) == pytest.approx(0.0)
    assert m.gini(np.array([0.0, 0.0, 0.0, 1.0])) == pytest.approx(0.75)
    assert m.gini(np.array([])) == 0.0
