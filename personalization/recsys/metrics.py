"""Ranking metrics as pure functions over arrays.

``ranks`` is the 0-based position of each user's held-out item in the full ranking
(0 = ranked first); ``top_items`` is ``[n_users, k]`` recommended item indices.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Mapping, Sequence

import numpy as np


def hit_rate_at_k(ranks: np.ndarray, k: int) -> float:
    """Share of users whose held-out item is in the top ``k``."""
    ranks = np.asarray(ranks)
    return float(np.mean(ranks < k)) if ranks.size else 0.0


def ndcg_at_k(ranks: np.ndarray, k: int) -> float:
    """NDCG@k with one relevant item per user: ``1 / log2(rank + 2)`` inside the top k, else 0."""
    ranks = np.asarray(ranks, dtype=np.float64)
    if not ranks.size:
        return 0.0
    gains = np.where(ranks < k, 1.0 / np.log2(ranks + 2.0), 0.0)
    return float(np.mean(gains))


def mrr(ranks: np.ndarray) -> float:
    """Mean reciprocal rank over the full ranking."""
    ranks = np.asarray(ranks, dtype=np.float64)
    return float(np.mean(1.0 / (ranks + 1.0))) if ranks.size else 0.0


def recall_at_k(top_items: np.ndarray, relevant: Sequence[Collection[int]], k: int) -> float:
    """Mean over users of ``|top k ∩ relevant| / |relevant|``; users without relevant items are skipped."""
    scores = [
        len(set(row[:k].tolist()) & set(rel)) / len(rel)
        for row, rel in zip(top_items, relevant, strict=True)
        if len(rel)
    ]
    return float(np.mean(scores)) if scores else 0.0


def catalog_coverage(top_items: np.ndarray, n_items: int) -> float:
    """Share of the catalog (``n_items``, padding excluded) recommended to at least one user."""
    items = np.unique(np.asarray(top_items))
    return float(np.count_nonzero(items > 0) / n_items) if n_items else 0.0


def average_popularity(top_items: np.ndarray, item_popularity: np.ndarray) -> float:
    """Mean training-interaction count of the recommended items (lower = less popularity bias)."""
    top_items = np.asarray(top_items)
    return float(np.mean(item_popularity[top_items])) if top_items.size else 0.0


def novelty(top_items: np.ndarray, item_counts: np.ndarray) -> float:
    """Mean self-information ``-log2 p(i)`` of the recommended items, ``p`` the add-one smoothed share of
    training interactions (higher = less obvious items)."""
    top_items = np.asarray(top_items)
    if not top_items.size:
        return 0.0
    counts = np.asarray(item_counts, dtype=np.float64)[1:]
    share = (np.asarray(item_counts, dtype=np.float64) + 1.0) / (counts.sum() + len(counts))
    return float(np.mean(-np.log2(share[top_items])))


def exposure_share(top_items: np.ndarray, group_of_item: np.ndarray) -> dict[int, float]:
    """``{group: share of all recommended slots}`` for each group (a brand) shown at least once."""
    groups = np.asarray(group_of_item)[np.asarray(top_items).reshape(-1)]
    if not groups.size:
        return {}
    values, counts = np.unique(groups, return_counts=True)
    return {int(v): float(c / groups.size) for v, c in zip(values, counts, strict=True)}


def gini(values: np.ndarray) -> float:
    """Gini coefficient of non-negative ``values``: 0 when all are equal, near 1 when one takes everything."""
    x = np.sort(np.asarray(values, dtype=np.float64))
    if not x.size or x.sum() <= 0:
        return 0.0
    n = len(x)
    return float((2.0 * np.sum(np.arange(1, n + 1) * x) / (n * x.sum())) - (n + 1.0) / n)


def user_segments(
    history_lengths: np.ndarray,
    first_seen: np.ndarray,
    target_time: np.ndarray,
    *,
    few_interactions: int = 10,
    new_user_seconds: float = 7 * 86400.0,
) -> dict[str, np.ndarray]:
    """Boolean masks ``[n_users]`` for the standard segments.

    A user is *new* when their first interaction is less than ``new_user_seconds`` before
    the held-out one, *returning* otherwise; *few* when their history has at most
    ``few_interactions`` items, *many* otherwise.
    """
    lengths = np.asarray(history_lengths)
    new = (np.asarray(target_time) - np.asarray(first_seen)) < new_user_seconds
    few = lengths <= few_interactions
    return {"new": new, "returning": ~new, "few": few, "many": ~few}


MetricFn = Callable[[np.ndarray, np.ndarray], float]


def segment_metrics(
    ranks: np.ndarray,
    top_items: np.ndarray,
    segments: Mapping[str, np.ndarray],
    metrics: Mapping[str, MetricFn],
) -> dict[str, dict[str, float]]:
    """``{segment: {"users": n, metric: value}}`` computing each ``metric(ranks, top_items)`` per segment."""
    ranks = np.asarray(ranks)
    top_items = np.asarray(top_items)
    out: dict[str, dict[str, float]] = {}
    for name, mask in segments.items():
        mask = np.asarray(mask, dtype=bool)
        row: dict[str, float] = {"users": int(mask.sum())}
        if mask.any():
            row.update({m: fn(ranks[mask], top_items[mask]) for m, fn in metrics.items()})
        out[name] = row
    return out
