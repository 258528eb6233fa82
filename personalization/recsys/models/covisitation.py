"""Item-to-item co-visitation and frequently-bought-together.

Two items co-occur when one user touched both within ``window`` positions of their
sequence and inside one session (no gap longer than ``session_gap_seconds``). Pair weights
fall off with distance, pairs in the order they happened count more than reversed ones,
and the totals are normalised by item popularity (cosine) so that a bestseller does not
become every item's neighbour. Each item keeps its ``neighbours`` strongest neighbours.

Frequently-bought-together is the same table built from purchase events only, where a
session is an order (purchases of one user close together in time) and every pair in it
counts.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Self

import numpy as np
import torch

from personalization.recsys.data import InteractionDataset
from personalization.recsys.models.base import NEG_INF, History, HistoryLike, Recommender
from personalization.recsys.models.popularity import popularity_scores

# Items with no co-occurrence keep a popularity order far below any real neighbour score.
_FALLBACK_SCALE = 1e-6


@dataclass
class CoVisitationConfig:
    window: int = 5
    session_gap_seconds: float | None = None
    backward_weight: float = 0.5
    event_types: list[str] | None = None  # None: all event types
    normalize: bool = True
    neighbours: int = 100
    history_items: int = 20
    recency_decay: float = 0.8  # weight of the k-th most recent history item is decay ** k


class CoVisitation(Recommender):
    name = "covisit"
    Config = CoVisitationConfig
    config: CoVisitationConfig

    def __init__(self, config: CoVisitationConfig | None = None) -> None:
        super().__init__(config)
        self.indptr = np.zeros(2, dtype=np.int64)  # [n_items + 2] CSR row pointers
        self.neighbour_items = np.zeros(0, dtype=np.int64)  # [nnz]
        self.neighbour_scores = np.zeros(0, dtype=np.float32)  # [nnz]
        self.fallback = np.zeros(1, dtype=np.float32)  # [n_items + 1]

    def fit(self, dataset: InteractionDataset, **kwargs: Any) -> Self:
        self._adopt_catalog(dataset)
        n = dataset.n_items + 1
        a, b, w = self._pairs(dataset)
        keys, inverse = np.unique(a * n + b, return_inverse=True)
        totals = np.bincount(inverse, weights=w).astype(np.float64)
        src, dst = keys // n, keys % n
        if self.config.normalize and len(keys):
            mass = np.bincount(src, weights=totals, minlength=n) + np.bincount(dst, weights=totals, minlength=n)
            totals = totals / np.sqrt(mass[src] * mass[dst])
        self._keep_top(src, dst, totals, n)
        self._fill_fallback(dataset)
        return self

    def _fill_fallback(self, dataset: InteractionDataset) -> None:
        """Items without a neighbour score: their popularity, far below any neighbour's."""
        pop = popularity_scores(dataset)
        pop[0] = 0.0
        self.fallback = (_FALLBACK_SCALE * pop / max(float(pop.max()), 1.0)).astype(np.float32)
        self.fallback[0] = NEG_INF

    def neighbours(self, item: int) -> tuple[np.ndarray, np.ndarray]:
        """Neighbour indices ``[m]`` and scores ``[m]`` of ``item``, strongest first."""
        lo, hi = self.indptr[item], self.indptr[item + 1]
        return self.neighbour_items[lo:hi], self.neighbour_scores[lo:hi]

    def score(self, histories: Sequence[HistoryLike]) -> np.ndarray:
        """``[batch, n_items + 1]``: recency-weighted sum of the history items' neighbour scores."""
        out = np.tile(self.fallback, (len(histories), 1))
        for row, history in enumerate(histories):
            touched, moved = self.moved(history)
            out[row, touched] += moved
        return out

    def moved(self, history: HistoryLike) -> tuple[np.ndarray, np.ndarray]:
        """What one history adds to :meth:`score`'s fallback: the item indices it touches ``[m]`` (sorted, unique)
        and how much each ``[m]``; a large catalogue's few scored items need no row of every item."""
        items = History.coerce(history).items
        items = items[items > 0][-self.config.history_items :]
        parts = [self.neighbours(int(item)) for item in items[::-1]]
        if not parts:
            return np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.float32)
        decay = [np.float32(self.config.recency_decay**age) * sim for age, (_, sim) in enumerate(parts)]
        touched, inverse = np.unique(np.concatenate([nbr for nbr, _ in parts]).astype(np.int64), return_inverse=True)
        return touched, np.bincount(inverse, np.concatenate(decay), minlength=len(touched)).astype(np.float32)

    def score_at(self, history: HistoryLike, items: np.ndarray) -> np.ndarray:
        """``[len(items)]``: :meth:`score` of one history at the item indices ``items`` alone."""
        items = np.asarray(items, dtype=np.int64)
        touched, moved = self.moved(history)
        out = self.fallback[items].copy()
        if len(touched):
            at = np.minimum(np.searchsorted(touched, items), len(touched) - 1)
            hit = touched[at] == items
            out[hit] += moved[at[hit]]
        return out

    def _pairs(self, dataset: InteractionDataset) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        allowed = None
        if self.config.event_types is not None:
            allowed = [dataset.event_code(e) for e in self.config.event_types if e in dataset.event_types]
        items, sessions = [], []
        session_offset = 0
        for seq in dataset.sequences:
            keep = np.ones(len(seq), dtype=bool) if allowed is None else np.isin(seq.events, allowed)
            if keep.sum() < 2:
                continue
            gap = self.config.session_gap_seconds
            t = seq.timestamps[keep]
            breaks = np.zeros(len(t), dtype=np.int64)
            if gap is not None:
                breaks[1:] = np.diff(t) > gap
            sessions.append(session_offset + np.cumsum(breaks))
            session_offset = int(sessions[-1][-1]) + 1
            items.append(seq.items[keep])
        if not items:
            empty = np.zeros(0, dtype=np.int64)
            return empty, empty, np.zeros(0)
        all_items, all_sessions = np.concatenate(items), np.concatenate(sessions)
        a_parts, b_parts, w_parts = [], [], []
        for d in range(1, self.config.window + 1):
            same = (all_sessions[:-d] == all_sessions[d:]) & (all_items[:-d] != all_items[d:])
            first, later = all_items[:-d][same], all_items[d:][same]
            a_parts += [first, later]
            b_parts += [later, first]
            w_parts += [np.full(len(first), 1.0 / d), np.full(len(first), self.config.backward_weight / d)]
        return np.concatenate(a_parts), np.concatenate(b_parts), np.concatenate(w_parts)

    def _keep_top(self, src: np.ndarray, dst: np.ndarray, scores: np.ndarray, n: int) -> None:
        order = np.lexsort((dst, -scores, src))
        src, dst, scores = src[order], dst[order], scores[order]
        counts = np.bincount(src, minlength=n)
        starts = np.concatenate([[0], np.cumsum(counts)[:-1]])
        rank = np.arange(len(src)) - starts[src]
        keep = rank < self.config.neighbours
        src, dst, scores = src[keep], dst[keep], scores[keep]
        self.indptr = np.concatenate([[0], np.cumsum(np.bincount(src, minlength=n))]).astype(np.int64)
        self.neighbour_items = dst.astype(np.int64)
        self.neighbour_scores = scores.astype(np.float32)

    def _state(self) -> dict[str, Any]:
        return {
            "indptr": torch.from_numpy(self.indptr),
            "neighbour_items": torch.from_numpy(self.neighbour_items),
            "neighbour_scores": torch.from_numpy(self.neighbour_scores),
            "fallback": torch.from_numpy(self.fallback),
        }

    def _load_state(self, state: dict[str, Any], *, device: str) -> None:
        self.indptr = state["indptr"].cpu().numpy()
        self.neighbour_items = state["neighbour_items"].cpu().numpy()
        self.neighbour_scores = state["neighbour_scores"].cpu().numpy()
        self.fallback = state["fallback"].cpu().numpy()


@dataclass
class FrequentlyBoughtTogetherConfig(CoVisitationConfig):
    window: int = 50
    session_gap_seconds: float | None = 3600.0
    backward_weight: float = 1.0
    event_types: list[str] | None = None

    def __post_init__(self) -> None:
        if self.event_types is None:
            self.event_types = ["purchase"]


class FrequentlyBoughtTogether(CoVisitation):
    """Co-purchase neighbours: items bought in the same order (purchases within an hour)."""

    name = "fbt"
    Config = FrequentlyBoughtTogetherConfig
