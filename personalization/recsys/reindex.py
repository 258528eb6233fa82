"""Score one catalog with a model fitted on another, so a champion and a challenger meet on one holdout.

Products added since the champion was trained get -inf from it: they were invisible to it,
which is exactly the handicap the comparison should show.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np

from personalization.recsys.data import InteractionDataset, ItemIndex
from personalization.recsys.models.base import NEG_INF, History, HistoryLike, Recommender


class Reindexed(Recommender):
    """Wraps ``inner`` (fitted on its own catalog) to score the catalog ``item_index``."""

    def __init__(self, inner: Recommender, item_index: ItemIndex) -> None:
        super().__init__(config=inner.config)
        self.inner = inner
        self.item_index = item_index
        self.event_types = inner.event_types
        # [n_items + 1] inner index of each outer index; 0 where the inner model never saw the item.
        self._to_inner = inner.item_index.indices_of(list(item_index.raw_ids))
        self._to_inner = np.concatenate([[0], self._to_inner]).astype(np.int64)

    def fit(self, dataset: InteractionDataset, **kwargs: Any) -> Reindexed:
        raise TypeError("a reindexed model only scores; fit the inner model instead")

    def score(self, histories: Sequence[HistoryLike]) -> np.ndarray:
        mapped = []
        for value in histories:
            history = History.coerce(value)
            inner_items = self._to_inner[history.items]
            keep = inner_items > 0
            events = None if history.events is None else history.events[keep]
            times = None if history.timestamps is None else history.timestamps[keep]
            mapped.append(History(inner_items[keep], events, times))
        inner_scores = np.asarray(self.inner.score(mapped), dtype=np.float32)
        scores = inner_scores[:, self._to_inner]
        scores[:, self._to_inner == 0] = NEG_INF
        return scores

    def _state(self) -> dict[str, Any]:
        raise TypeError("a reindexed model is not saved; save the inner model")

    def _load_state(self, state: dict[str, Any], *, device: str) -> None:
        raise TypeError("a reindexed model is not loaded; load the inner model")
