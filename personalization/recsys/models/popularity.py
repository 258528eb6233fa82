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
        )
        return self

    def score(self, histories: Sequence[HistoryLike]) -> np.ndarray:
        """``[batch, n_items + 1]``: the popularity row repeated; histories are ignored."""
        return np.broadcast_to(self.item_scores, (len(histories), len(self.item_scores))).copy()

    def _state(self) -> dict[str, Any]:
        return {"item_scores": torch.from_numpy(self.item_scores)}

    def _load_state(self, state: dict[str, Any], *, device: str) -> None:
        self.item_scores = state["item_scores"].cpu().numpy()


def popularity_scores(
    dataset: InteractionDataset, *, half_life_days: float | None = None, use_event_weights: bool = True
) -> np.ndarray:
    """``[n_items + 1]`` float32 decayed weighted counts; entry 0 is -inf."""
    scores = np.zeros(dataset.n_items + 1, dtype=np.float64)
    if dataset.sequences:
        now = max(float(s.timestamps.max()) for s in dataset.sequences)
        for seq in dataset.sequences:
            w = dataset.event_weights[seq.events] if use_event_weights else np.ones(len(seq))
            if half_life_days:
                w = w * np.exp2(-(now - seq.timestamps) / (half_life_days * 86400.0))
            np.add.at(scores, seq.items, w)
    out = scores.astype(np.float32)
    out[0] = NEG_INF
    return out
