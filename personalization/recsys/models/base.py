"""The contract every recommender follows, and its artifact format.

A model scores items for *histories*: a visitor's recent items, oldest first, as internal
item indices (see :class:`History`). ``score`` ranks the whole catalog, ``score_items`` a
given candidate set; both return higher-is-better floats. Artifacts are ``torch.save``
dictionaries of tensors and plain values, read back with ``weights_only=True`` so loading
an artifact cannot run code.
"""

from __future__ import annotations

import abc
import dataclasses
import io
import os
from collections.abc import Hashable, Iterator, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, ClassVar, Self

import numpy as np
import torch

from personalization.recsys.data import InteractionDataset, ItemIndex

if TYPE_CHECKING:
    from personalization.recsys.trainer import Stage

ARTIFACT_FORMAT = 1
NEG_INF = np.float32(-np.inf)


@dataclass(frozen=True)
class History:
    """A visitor's recent interactions, oldest first."""

    items: np.ndarray  # [n] int64 item indices (0 = unknown, ignored)
    events: np.ndarray | None = None  # [n] int64 event codes, None = default event
    timestamps: np.ndarray | None = None  # [n] float64 epoch seconds, None = unknown
    # Epoch seconds of the request the history is read for (serving: the clock; evaluation: the target's
    # time, which the shop knows when it recommends); None: the newest timestamp.
    now: float | None = None

    def __post_init__(self) -> None:
        object.__setattr__(self, "items", np.asarray(self.items, dtype=np.int64).reshape(-1))

    @classmethod
    def coerce(cls, value: History | Sequence[int] | np.ndarray) -> History:
        if isinstance(value, History):
            return value
        return cls(np.asarray(value, dtype=np.int64).reshape(-1))


HistoryLike = History | Sequence[int] | np.ndarray


class Recommender(abc.ABC):
    """Base class: ``fit``, ``score``, ``score_items``, ``save``/``load``."""

    name: ClassVar[str]
    Config: ClassVar[type]
    registry: ClassVar[dict[str, type[Recommender]]] = {}

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        if "name" in cls.__dict__:
            Recommender.registry[cls.name] = cls

    def __init__(self, config: Any = None) -> None:
        self.config = config if config is not None else self.Config()
        self.item_index: ItemIndex = ItemIndex(())
        self.event_types: tuple[str, ...] = ("view",)

    @property
    def n_items(self) -> int:
        return len(self.item_index)

    @abc.abstractmethod
    def fit(self, dataset: InteractionDataset, **kwargs: Any) -> Self:
        """Learn from the sequences of ``dataset``; returns ``self``."""

    @abc.abstractmethod
    def score(self, histories: Sequence[HistoryLike]) -> np.ndarray:
        """Scores ``[batch, n_items + 1]`` float32 for every item; column 0 (padding) is -inf."""

    def score_items(self, histories: Sequence[HistoryLike], item_indices: np.ndarray) -> np.ndarray:
        """Scores ``[batch, n_candidates]`` for candidates ``[n_candidates]`` or ``[batch, n_candidates]``."""
        scores = self.score(histories)
        idx = np.asarray(item_indices, dtype=np.int64)
        if idx.ndim == 1:
            return scores[:, idx]
        return np.take_along_axis(scores, idx, axis=1)

    # Raw ids in, raw ids out: what the serving layer calls.

    def history_from_ids(
        self,
        recent_item_ids: Sequence[Hashable],
        event_types: Sequence[str] | None = None,
        timestamps: Sequence[float] | None = None,
    ) -> History:
        """A :class:`History` from raw item ids (oldest first); unknown ids are dropped."""
        idx = self.item_index.indices_of(recent_item_ids)
        keep = idx > 0
        events = None
        if event_types is not None:
            codes = {e: i + 1 for i, e in enumerate(self.event_types)}
            events = np.asarray([codes.get(e, 1) for e in event_types], dtype=np.int64)[keep]
        times = None if timestamps is None else np.asarray(timestamps, dtype=np.float64)[keep]
        return History(idx[keep], events, times)

    def score_candidates(
        self,
        recent_item_ids: Sequence[Hashable],
        candidate_ids: Sequence[Hashable],
        *,
        event_types: Sequence[str] | None = None,
        timestamps: Sequence[float] | None = None,
    ) -> np.ndarray:
        """Scores ``[n_candidates]`` for raw candidate ids; ids the model never saw get -inf."""
        history = self.history_from_ids(recent_item_ids, event_types, timestamps)
        idx = self.item_index.indices_of(candidate_ids)
        scores = self.score_items([history], idx)[0].astype(np.float32, copy=True)
        scores[idx == 0] = NEG_INF
        return scores

    def recommend(
        self, recent_item_ids: Sequence[Hashable], k: int = 10, *, exclude_seen: bool = True
    ) -> list[tuple[Hashable, float]]:
        """Top ``k`` ``(raw_item_id, score)`` over the catalog; ties go to the lower index."""
        history = self.history_from_ids(recent_item_ids)
        scores = self.score([history])[0].copy()
        if exclude_seen:
            scores[history.items] = NEG_INF
        order = np.argsort(-scores, kind="stable")[:k]
        return [(self.item_index.raw_id(int(i)), float(scores[i])) for i in order if np.isfinite(scores[i])]

    # Artifacts.

    def to_bytes(self) -> bytes:
        buffer = io.BytesIO()
        torch.save(
            {
                "format": ARTIFACT_FORMAT,
                "model": self.name,
                "config": dataclasses.asdict(self.config),
                "item_ids": list(self.item_index.raw_ids),
                "event_types": list(self.event_types),
                "state": self._state(),
            },
            buffer,
        )
        return buffer.getvalue()

    def save(self, path: str | os.PathLike[str]) -> None:
        with open(path, "wb") as fh:
            fh.write(self.to_bytes())

    @staticmethod
    def from_bytes(blob: bytes, *, device: str = "cpu") -> Recommender:
        """Rebuild any registered model from :meth:`to_bytes` output."""
        payload = torch.load(io.BytesIO(blob), map_location=device, weights_only=True)
        if payload.get("format") != ARTIFACT_FORMAT:
            raise ValueError(f"unsupported artifact format {payload.get('format')!r}")
        cls = Recommender.registry[payload["model"]]
        model = cls(cls.Config(**payload["config"]))
        model.item_index = ItemIndex(payload["item_ids"])
        model.event_types = tuple(payload["event_types"])
        model._load_state(payload["state"], device=device)
        return model

    @staticmethod
    def load(path: str | os.PathLike[str], *, device: str = "cpu") -> Recommender:
        with open(path, "rb") as fh:
            return Recommender.from_bytes(fh.read(), device=device)

    def _adopt_catalog(self, dataset: InteractionDataset) -> None:
        self.item_index = dataset.item_index
        self.event_types = dataset.event_types

    @abc.abstractmethod
    def _state(self) -> dict[str, Any]:
        """Tensors and plain values that, with the config, rebuild the fitted model."""

    @abc.abstractmethod
    def _load_state(self, state: dict[str, Any], *, device: str) -> None: ...


class TorchRecommender(Recommender):
    """A recommender trained by gradient descent with :class:`~personalization.recsys.trainer.Trainer`.

    ``Trainer.fit`` calls :meth:`prepare_training`, runs the epochs (:meth:`training_batches`,
    :meth:`training_loss`), calls :meth:`finish_training`, then runs each of :meth:`stages`.
    """

    network: torch.nn.Module
    device: torch.device

    @abc.abstractmethod
    def prepare_training(self, dataset: InteractionDataset) -> None:
        """Adopt ``dataset``'s catalogue, build a fresh network and its training examples."""

    def finish_training(self) -> None:
        """Drop the training examples once the epochs are over."""

    def stages(self) -> Sequence[Stage]:
        """What runs after the epochs, in order (see ``personalization.recsys.stages``)."""
        return ()

    @abc.abstractmethod
    def training_examples(self) -> int:
        """Number of training examples (sequences or windows) prepared by ``prepare_training``."""

    @abc.abstractmethod
    def training_batches(self, rng: np.random.Generator, batch_size: int) -> Iterator[dict[str, torch.Tensor]]:
        """One epoch of training batches (tensors on ``self.device``), in ``rng`` order."""

    @abc.abstractmethod
    def training_loss(self, batch: dict[str, torch.Tensor]) -> torch.Tensor:
        """Scalar loss of one batch."""

    def to(self, device: str | torch.device) -> Self:
        self.device = torch.device(device)
        self.network.to(self.device)
        self.invalidate_cache()
        return self

    def invalidate_cache(self) -> None:
        """Forget anything precomputed from the weights (called after each optimiser step)."""
