"""Time-decayed popularity: the same ranking for everyone, recent activity counting more."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Self

import numpy as np
import torch

from personalization.recsys.data import InteractionDataset
from personalization.recsys.models.base import NEG_INF, HistoryLike, Recommender


@dataclass
class PopularityConfig:
    half_life_days: float | None = None  # None: plain weighted counts
    use_event_weights: bool = True
    window_days: float | None = None  # only the interactions of the last ``window_days`` count; None: all


class Popularity(Recommender):
    """``score(i) = sum over interactions with i of weight(event) * 0.5 ** (age / half_life)``.

    Age is measured from the newest interaction in the training data, so a model trained
    today ranks what was bought this week above what was bought last season.
    """

    name = "popularity"
    Config = PopularityConfig
    config: PopularityConfig

    def __init__(self, config: PopularityConfig | None = None) -> None:
        super().__init__(config)
        self.item_scores = np.zeros(1, dtype=np.float32)

    def fit(self, dataset: InteractionDataset, **kwargs: Any) -> Self:
        self._adopt_catalog(dataset)
        self.item_scores = popularity_scores(
            dataset,
            half_life_days=self.config.half_life_days,
            use_event_weights=self.config.use_event_weights,
            window_days=self.config.window_days,
        )
        return self

    def score(self, histories: Sequence[HistoryLike]) -> np.ndarray:
        """``[batch, n_items + 1]``: the popularity row repeated; histories are ignored."""
        return np.broadcast_to(self.item_scores, (len(histories), len(self.item_scores))).copy()

    def _state(self) -> dict[str, Any]:
        return {"item_scores": torch.from_numpy(self.item_scores)}

    def _load_state(self, state: dict[str, Any], *, device: str) -> None:
        self.item_scores = state["item_scores"].cpu().numpy()


@dataclass
class RecentPopularityConfig(PopularityConfig):
    window_days: float | None = 7.0


class RecentPopularity(Popularity):
    """What was popular in the last 7 days of the training data; older counts only break ties.

    On a global time split this simple baseline beats vanilla SASRec in published re-evaluations,
    so every benchmark reports it.
    """

    name = "recent_popularity"
    Config = RecentPopularityConfig


def popularity_scores(
    dataset: InteractionDataset,
    *,
    half_life_days: float | None = None,
    use_event_weights: bool = True,
    window_days: float | None = None,
) -> np.ndarray:
    """``[n_items + 1]`` float32 decayed weighted counts; entry 0 is -inf.

    With ``window_days`` only interactions that recent count and all-time counts break ties; the
    scores are then ranks (1 = least popular), which keep that order exactly.
    """
    scores = np.zeros(dataset.n_items + 1, dtype=np.float64)
    ties = np.zeros_like(scores)
    if dataset.sequences:
        now = max(float(s.timestamps.max()) for s in dataset.sequences)
        for seq in dataset.sequences:
            w = dataset.event_weights[seq.events] if use_event_weights else np.ones(len(seq))
            if half_life_days:
                w = w * np.exp2(-(now - seq.timestamps) / (half_life_days * 86400.0))
            if window_days is not None:
                np.add.at(ties, seq.items, w)
                w = w * (seq.timestamps > now - window_days * 86400.0)
            np.add.at(scores, seq.items, w)
    if window_days is not None:
        order = np.lexsort((-np.arange(len(scores)), ties, scores))  # equal items: the lower index ranks higher
        scores[order] = np.arange(len(scores), dtype=np.float64)
    out = scores.astype(np.float32)
    out[0] = NEG_INF
    return out
