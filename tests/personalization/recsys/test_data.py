from datetime import UTC, datetime

import numpy as np
import pytest

from personalization.recsys.data import ItemIndex, build_dataset, parse_timestamp


def items_of(dataset, user_id):
    seq = next(s for s in dataset.sequences if s.user_id == user_id)
    return [dataset.item_index.raw_id(int(i)) for i in seq.items]


def test_sequences_are_chronological_whatever_the_row_order():
    rows = [("u", "c", 30), ("u", "a", 10), ("u", "b", 20)]
    assert items_of(build_dataset(rows), "u") == ["a", "b", "c"]


def test_item_indices_are_contiguous_and_zero_is_padding():
    dataset = build_dataset([("u", "x", 1), ("u", "y", 2), ("v", "z", 3)])
    assert dataset.n_items == 3
    assert sorted(dataset.item_index.indices_of(["x", "y", "z"]).tolist()) == [1, 2, 3]
    assert dataset.item_index.index_of("unknown") == 0


def test_equal_timestamps_order_by_event_weight_then_input_order():
    rows = [
        ("u", "bought", 100, "purchase"),
        ("u", "first", 100, "view"),
        ("u", "second", 100, "view"),
        ("u", "carted", 100, "add_to_cart"),
    ]
    assert items_of(build_dataset(rows), "u") == ["first", "second", "carted", "bought"]
    # The same rows shuffled give the same views in input order: the tie-break is stable.
    assert items_of(build_dataset([rows[2], rows[1], rows[0], rows[3]]), "u")[:2] == ["second", "first"]


def test_consecutive_repeats_collapse_and_keep_the_strongest_event():
    rows = [
        ("u", "a", 1, "view"),
        ("u", "a", 2, "add_to_cart"),
        ("u", "a", 3, "view"),
        ("u", "b", 4),
        ("u", "a", 5),
    ]
    dataset = build_dataset(rows)
    seq = dataset.sequences[0]
    assert items_of(dataset, "u") == ["a", "b", "a"]  # a later return to "a" is not a repeat
    assert seq.events[0] == dataset.event_code("add_to_cart")
    assert seq.timestamps.tolist() == [1.0, 4.0, 5.0]
    assert dataset.stats.dropped["consecutive_repeat"] == 2
    assert dataset.stats.interactions == 3


def test_unreadable_rows_are_dropped_and_counted_by_reason():
    rows = [
        ("u", "a", 1),
        ("u", None, 2),
        ("", "a", 3),
        ("u", "b", "not a time"),
        ("u", "c", 4, "wishlist"),
        ("u", "d", float("nan")),
        ("u",),
        {"user_id": "v", "item_id": "a", "timestamp": "2024-01-01T00:00:00Z"},
    ]
    stats = build_dataset(rows).stats
    assert stats.rows_read == 8
    assert stats.interactions == 2
    assert stats.dropped == {
        "bad_timestamp": 2,
        "missing_item": 1,
        "missing_user": 2,
        "unknown_event_type": 1,
    }


def test_snapshot_statistics_describe_the_data():
    rows = [("u1", "a", 0, "view"), ("u1", "b", 86400, "purchase"), ("u2", "a", 172800, "view")]
    stats = build_dataset(rows, item_features={"new": {"category": 1}}).stats
    assert (stats.users, stats.items, stats.items_with_interactions, stats.interactions) == (2, 3, 2, 3)
    assert stats.events == {"view": 2, "add_to_cart": 0, "purchase": 1}
    assert stats.date_range == ("1970-01-01T00:00:00+00:00", "1970-01-03T00:00:00+00:00")
    assert stats.as_dict()["date_range"] == list(stats.date_range)
    with pytest.raises(AttributeError):
        stats.users = 5  # frozen


def test_products_with_features_but_no_interactions_get_an_index():
    dataset = build_dataset([("u", "a", 1)], item_features={"a": {"category": "x"}, "new": {"category": "x"}})
    assert "new" in dataset.item_index
    assert dataset.item_counts()[dataset.item_index.index_of("new")] == 0
    content = dataset.content
    assert content.category[dataset.item_index.index_of("new")] == content.category[dataset.item_index.index_of("a")]


def test_event_weights_follow_intent():
    dataset = build_dataset([("u", "a", 1)])
    weights = {e: dataset.event_weights[dataset.event_code(e)] for e in dataset.event_types}
    assert weights["view"] < weights["add_to_cart"] < weights["purchase"]
    assert dataset.event_weights[0] == 0


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (10, 10.0),
        ("12.5", 12.5),
        ("1970-01-01T00:01:00+00:00", 60.0),
        (datetime(1970, 1, 1, 0, 2), 120.0),
        (datetime(1970, 1, 1, 0, 3, tzinfo=UTC), 180.0),
        ("yesterday", None),
        (None, None),
        (True, None),
    ],
)
def test_timestamps_from_numbers_strings_and_datetimes(value, expected):
    assert parse_timestamp(value) == expected


def test_item_index_rejects_duplicates_and_maps_both_ways():
    index = ItemIndex(["p", "q"])
    assert index.raw_id(2) == "q"
    assert index.indices_of(["q", "zz", "p"]).tolist() == [2, 0, 1]
    with pytest.raises(ValueError):
        ItemIndex(["p", "p"])
    assert np.asarray(index.raw_ids).tolist() == ["p", "q"]
