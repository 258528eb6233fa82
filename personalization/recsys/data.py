"""Interaction rows -> per-user chronological item sequences.

Rows come from the shop's event table, a CSV export or a public data set. Each row is
``(user_id, item_id, timestamp[, event_type])`` or a mapping with those keys. Timestamps
may be epoch seconds, ISO-8601 strings or datetimes (naive ones are read as UTC).

Item ids are mapped to contiguous indices ``1..n_items``; index 0 is the padding index
that every model reserves.
"""

from __future__ import annotations

import dataclasses
import math
from array import array
from collections import Counter
from collections.abc import Hashable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

import numpy as np

from personalization.recsys.content import ItemContent, encode_item_features

# Stronger intent, heavier weight; the order also ranks event types inside a collapsed repeat.
DEFAULT_EVENT_WEIGHTS: Mapping[str, float] = {"view": 1.0, "add_to_cart": 3.0, "purchase": 5.0}
# With the buyers' ratings: a purchase rated 4-5 stars weighs more than a purchase, one rated 1-2 as a view
# (the item was considered, not wanted); 3 stars stays a purchase. Kept apart from the defaults so that
# data sets without ratings keep the same event codes.
RATED_EVENT_WEIGHTS: Mapping[str, float] = {
    **DEFAULT_EVENT_WEIGHTS,
    "purchase_rated_high": 8.0,
    "purchase_rated_low": 1.0,
}
PAD = 0


class DataError(ValueError):
    """The rows cannot be turned into a usable data set."""


class ItemIndex:
    """Bidirectional mapping between raw item ids and contiguous indices ``1..n_items``."""

    def __init__(self, raw_ids: Sequence[Hashable]) -> None:
        self.raw_ids: tuple[Hashable, ...] = tuple(raw_ids)
        self._index = {raw: i + 1 for i, raw in enumerate(self.raw_ids)}
        if len(self._index) != len(self.raw_ids):
            raise DataError("item ids are not unique")

    def __len__(self) -> int:
        return len(self.raw_ids)

    def __contains__(self, raw_id: object) -> bool:
        return raw_id in self._index

    def index_of(self, raw_id: Hashable) -> int:
        """Index of a raw id, or 0 (padding) when the id is unknown."""
        return self._index.get(raw_id, PAD)

    def indices_of(self, raw_ids: Iterable[Hashable]) -> np.ndarray:
        """``[n]`` int64 indices, 0 for unknown ids."""
        return np.fromiter((self._index.get(r, PAD) for r in raw_ids), dtype=np.int64)

    def raw_id(self, index: int) -> Hashable:
        return self.raw_ids[index - 1]


@dataclass(frozen=True)
class UserSequence:
    """One user's de-duplicated history in time order; arrays share the same length."""

    user_id: Hashable
    items: np.ndarray  # [n] int64 item indices (>= 1)
    timestamps: np.ndarray  # [n] float64 epoch seconds
    events: np.ndarray  # [n] int64 event codes (1-based, see InteractionDataset.event_types)

    def __len__(self) -> int:
        return len(self.items)

    def head(self, n: int) -> UserSequence:
        """The first ``n`` interactions (negative ``n`` drops from the end, as in slicing)."""
        return UserSequence(self.user_id, self.items[:n], self.timestamps[:n], self.events[:n])


@dataclass(frozen=True)
class SnapshotStats:
    """What went into a training run; stored next to the model artifact."""

    rows_read: int
    users: int
    items: int
    items_with_interactions: int
    interactions: int
    first_timestamp: float | None
    last_timestamp: float | None
    events: Mapping[str, int]
    dropped: Mapping[str, int]

    @property
    def date_range(self) -> tuple[str, str] | None:
        if self.first_timestamp is None or self.last_timestamp is None:
            return None
        return (_iso(self.first_timestamp), _iso(self.last_timestamp))

    def as_dict(self) -> dict[str, Any]:
        out = dataclasses.asdict(self)
        out["events"] = dict(self.events)
        out["dropped"] = dict(self.dropped)
        out["date_range"] = list(self.date_range) if self.date_range else None
        return out


@dataclass(frozen=True)
class InteractionDataset:
    """Sequences of all users over one item catalog."""

    item_index: ItemIndex
    sequences: tuple[UserSequence, ...]
    event_types: tuple[str, ...]
    event_weights: np.ndarray  # [n_event_types + 1] float64, entry 0 (padding) is 0
    stats: SnapshotStats
    content: ItemContent | None = field(default=None)

    @property
    def n_items(self) -> int:
        return len(self.item_index)

    def with_sequences(self, sequences: Iterable[UserSequence]) -> InteractionDataset:
        """Same catalog and statistics, other sequences (used for train/validation splits)."""
        return dataclasses.replace(self, sequences=tuple(s for s in sequences if len(s)))

    def event_code(self, event_type: str) -> int:
        return self.event_types.index(event_type) + 1

    def item_counts(self) -> np.ndarray:
        """``[n_items + 1]`` number of interactions per item index."""
        counts = np.zeros(self.n_items + 1, dtype=np.int64)
        for seq in self.sequences:
            np.add.at(counts, seq.items, 1)
        return counts


def build_dataset(
    rows: Iterable[Sequence[Any] | Mapping[str, Any]],
    *,
    item_features: Mapping[Hashable, Mapping[str, Any]] | None = None,
    event_weights: Mapping[str, float] = DEFAULT_EVENT_WEIGHTS,
    default_event: str = "view",
) -> InteractionDataset:
    """Build chronological, de-duplicated sequences from interaction rows.

    Equal timestamps of one user are ordered by event weight (a view comes before the
    purchase it led to), then by input order, so the result does not depend on the sort
    algorithm. Consecutive repeats of the same item collapse into the first one, which
    keeps the strongest event type of the run. Rows that cannot be read are counted in
    ``stats.dropped`` by reason instead of raising.
    """
    event_types = tuple(sorted(event_weights, key=lambda e: (event_weights[e], e)))
    event_code = {e: i + 1 for i, e in enumerate(event_types)}
    if default_event not in event_code:
        raise DataError(f"default event {default_event!r} has no weight")
    dropped: Counter[str] = Counter()
    # Rows are read once, as a stream, into compact typed arrays (8 bytes a field) with each distinct
    # user and item kept once: a database export never holds its rows as Python objects.
    user_code: dict[Hashable, int] = {}
    item_code: dict[Hashable, int] = {}
    users, items, times, events = array("q"), array("q"), array("d"), array("q")
    rows_read = 0
    for row in rows:
        rows_read += 1
        user, item, ts, event = _unpack(row)
        if _missing(user):
            dropped["missing_user"] += 1
            continue
        if _missing(item):
            dropped["missing_item"] += 1
            continue
        seconds = parse_timestamp(ts)
        if seconds is None:
            dropped["bad_timestamp"] += 1
            continue
        code = event_code.get(default_event if _missing(event) else str(event))
        if code is None:
            dropped["unknown_event_type"] += 1
            continue
        users.append(user_code.setdefault(user, len(user_code)))
        items.append(item_code.setdefault(item, len(item_code)))
        times.append(seconds)
        events.append(code)

    feature_ids = list(item_features or {})
    item_index = ItemIndex(_sorted_ids(set(item_code).union(feature_ids)))
    user_ids = _sorted_ids(set(user_code))
    # First-seen codes -> the sorted user order and the item index.
    user_rank = np.empty(len(user_code), dtype=np.int64)
    user_rank[[user_code[u] for u in user_ids]] = np.arange(len(user_ids))
    item_at = item_index.indices_of(item_code)
    u_arr = user_rank[np.frombuffer(users, dtype=np.int64)] if users else np.zeros(0, dtype=np.int64)
    i_arr = item_at[np.frombuffer(items, dtype=np.int64)] if items else np.zeros(0, dtype=np.int64)
    t_arr = np.frombuffer(times, dtype=np.float64).copy() if times else np.zeros(0, dtype=np.float64)
    e_arr = np.frombuffer(events, dtype=np.int64).copy() if events else np.zeros(0, dtype=np.int64)
    del users, items, times, events

    # np.lexsort sorts by the last key first; the row number makes ties impossible.
    order = np.lexsort((np.arange(len(u_arr)), e_arr, t_arr, u_arr))
    u_arr, i_arr, t_arr, e_arr = u_arr[order], i_arr[order], t_arr[order], e_arr[order]
    u_arr, i_arr, t_arr, e_arr, collapsed = _collapse_repeats(u_arr, i_arr, t_arr, e_arr)
    if collapsed:
        dropped["consecutive_repeat"] += collapsed

    bounds = np.flatnonzero(np.diff(u_arr)) + 1
    sequences = tuple(
        UserSequence(user_ids[int(u[0])], i, t, e)
        for u, i, t, e in zip(
            np.split(u_arr, bounds),
            np.split(i_arr, bounds),
            np.split(t_arr, bounds),
            np.split(e_arr, bounds),
            strict=True,
        )
        if len(u)
    )
    weights = np.zeros(len(event_types) + 1, dtype=np.float64)
    for e, code in event_code.items():
        weights[code] = float(event_weights[e])
    event_counts = np.bincount(e_arr, minlength=len(event_types) + 1)
    stats = SnapshotStats(
        rows_read=rows_read,
        users=len(sequences),
        items=len(item_index),
        items_with_interactions=int(len(np.unique(i_arr))),
        interactions=int(len(i_arr)),
        first_timestamp=float(t_arr.min()) if len(t_arr) else None,
        last_timestamp=float(t_arr.max()) if len(t_arr) else None,
        events={e: int(event_counts[c]) for e, c in event_code.items()},
        dropped=dict(sorted(dropped.items())),
    )
    content = encode_item_features(item_features, item_index.raw_ids) if item_features else None
    return InteractionDataset(item_index, sequences, event_types, weights, stats, content)


def parse_timestamp(value: Any) -> float | None:
    """Epoch seconds from a number, a numeric or ISO-8601 string or a datetime; None if unreadable."""
    if isinstance(value, datetime):
        if value.tzinfo is None:
            value = value.replace(tzinfo=UTC)
        return value.timestamp()
    if isinstance(value, bool) or value is None:
        return None
    if isinstance(value, int | float | np.integer | np.floating):
        seconds = float(value)
    elif isinstance(value, str):
        text = value.strip()
        try:
            seconds = float(text)
        except ValueError:
            try:
                return parse_timestamp(datetime.fromisoformat(text.replace("Z", "+00:00")))
            except ValueError:
                return None
    else:
        return None
    return seconds if math.isfinite(seconds) else None


def _unpack(row: Sequence[Any] | Mapping[str, Any]) -> tuple[Any, Any, Any, Any]:
    if isinstance(row, Mapping):
        return row.get("user_id"), row.get("item_id"), row.get("timestamp"), row.get("event_type")
    if len(row) < 3:
        return None, None, None, None
    return row[0], row[1], row[2], row[3] if len(row) > 3 else None


def _missing(value: Any) -> bool:
    return value is None or (isinstance(value, str) and not value.strip()) or value != value


def _sorted_ids(ids: set[Hashable]) -> list[Hashable]:
    # Sorting makes indices independent of row order; the type name keeps mixed ids comparable.
    return sorted(ids, key=lambda x: (type(x).__name__, x))


def _collapse_repeats(
    users: np.ndarray, items: np.ndarray, times: np.ndarray, events: np.ndarray
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray, int]:
    if len(users) == 0:
        return users, items, times, events, 0
    starts = np.ones(len(users), dtype=bool)
    starts[1:] = (users[1:] != users[:-1]) | (items[1:] != items[:-1])
    first = np.flatnonzero(starts)
    strongest = np.maximum.reduceat(events, first)
    return users[first], items[first], times[first], strongest, int(len(users) - len(first))


def _iso(seconds: float) -> str:
    return datetime.fromtimestamp(seconds, tz=UTC).isoformat()


def rated_purchase(rating: int | None) -> str:
    """The event type of a purchase its buyer rated ``rating`` stars (None: not rated), see RATED_EVENT_WEIGHTS."""
    if rating is not None and not 1 <= rating <= 5:
        raise DataError(f"a rating is 1 to 5 stars, not {rating!r}")
    if rating is None or rating == 3:
        return "purchase"
    return "purchase_rated_high" if rating >= 4 else "purchase_rated_low"
