"""Self-attentive sequential recommender (SASRec family) with event, time and content signals.

The network (``network.py``) reads a visitor's last ``max_len`` items with their event types and
time gaps and scores the next item against every item vector. Training uses full-softmax
cross-entropy over the catalog, or sampled softmax with shared uniform negatives once the catalog
is larger than ``sampled_softmax_threshold``. The :class:`~personalization.recsys.trainer.Trainer`
runs the epochs, then this model's stages (``stages.py``): the affinity second stage and,
when configured, a tail of epochs on the validation items.

Shapes: ``B`` batch, ``L`` positions (left-padded, the newest item last), ``D`` hidden size,
``N`` = n_items + 1 (row 0 is padding), ``P`` predicted positions in a batch, ``C`` candidates.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Iterable, Iterator, Sequence
from typing import TYPE_CHECKING, Any, Self

import numpy as np
import torch
from torch.nn import functional as F

from personalization.recsys.data import InteractionDataset
from personalization.recsys.models.affinity import AffinityReport, AffinityReranker
from personalization.recsys.models.base import History, HistoryLike, Recommender, TorchRecommender
from personalization.recsys.models.sasrec.config import SASRecConfig
from personalization.recsys.models.sasrec.heuristics import repeats_are_rare, target_weights, time_gaps_informative
from personalization.recsys.models.sasrec.inputs import (
    history_batch,
    history_times,
    training_batches,
    training_windows,
)
from personalization.recsys.models.sasrec.network import SASRecNetwork, content_from_state
from personalization.recsys.trainer import Trainer

if TYPE_CHECKING:
    from personalization.recsys.choices import Choice
    from personalization.recsys.evaluation import HeldOut
    from personalization.recsys.trainer import Stage, TrainingReport

# Candidates scored with the affinity stage: up to this many items the whole catalogue is scored to
# standardise the base scores; above it the candidates and a fixed sample of REFERENCE_ITEMS items.
EXACT_STANDARDISATION_ITEMS = 50_000
REFERENCE_ITEMS = 2048


class SASRec(TorchRecommender):
    name = "sasrec"
    Config = SASRecConfig
    config: SASRecConfig

    def __init__(self, config: SASRecConfig | None = None) -> None:
        super().__init__(config)
        self.network = SASRecNetwork(0, 1, self.config, None)
        self.device = torch.device("cpu")
        self.training_report: TrainingReport | None = None
        self._windows: dict[str, np.ndarray] = {}
        self._target_weights: torch.Tensor | None = None  # per event code, set by ``prepare_training``
        self._item_cache: torch.Tensor | None = None
        self._reference: np.ndarray | None = None  # see reference_items
        self._last_user: tuple[tuple, torch.Tensor] | None = None  # see user_vectors
        self._last_reference: tuple[tuple, np.ndarray] | None = None  # see _reference_scores
        self.affinity: AffinityReranker | None = None
        self.affinity_report: AffinityReport | None = None

    def fit(
        self,
        dataset: InteractionDataset,
        *,
        validation: HeldOut | None = None,
        trainer: Trainer | None = None,
        progress: Callable[[int, float, dict[str, float]], None] | None = None,
        choices: Iterable[Choice] | None = None,
    ) -> Self:
        """Train on ``dataset`` with a :class:`Trainer` (default settings when ``trainer`` is None).

        ``validation`` is a :class:`~personalization.recsys.evaluation.HeldOut` used for early
        stopping on NDCG@10; the best epoch's weights are kept. ``choices`` (logged clicks among
        the cards of a list) train the affinity stage when there are enough of them.
        """
        trainer = trainer or Trainer()
        self.training_report = trainer.fit(self, dataset, validation=validation, progress=progress, choices=choices)
        return self

    # Training.

    def prepare_training(self, dataset: InteractionDataset) -> None:
        """Settle the config left to the data, build a fresh network and the training windows."""
        self._adopt_catalog(dataset)
        if self.config.use_time_gaps is None:
            self.config = dataclasses.replace(self.config, use_time_gaps=time_gaps_informative(dataset))
        if self.config.exclude_seen_in_loss is None:
            self.config = dataclasses.replace(self.config, exclude_seen_in_loss=repeats_are_rare(dataset))
        if self.config.transition_bias is None:
            self.config = dataclasses.replace(self.config, transition_bias=True)
        if self.config.item_age is None:
            with_release_times = dataset.content is not None and dataset.content.has_release_times
            self.config = dataclasses.replace(self.config, item_age=with_release_times)
        self.network = SASRecNetwork(dataset.n_items, len(dataset.event_types), self.config, dataset.content)
        counts = dataset.item_counts()
        self.network.warm.copy_(torch.from_numpy(counts > 0))
        self.use_training_data(dataset)
        self._target_weights = target_weights(dataset) if self.config.weight_targets_by_event else None
        self.affinity, self.affinity_report = None, None

    def use_training_data(self, dataset: InteractionDataset) -> None:
        """Train the next epochs on ``dataset``'s sequences (same catalogue, same network)."""
        self._windows = training_windows(dataset, max_len=self.config.max_len, time_buckets=self.config.time_buckets)

    def finish_training(self) -> None:
        self._windows = {}

    def stages(self) -> Sequence[Stage]:
        # Imported here: stages imports choices and models.affinity, which import the models
        # package, whose __init__ imports this module to register SASRec.
        from personalization.recsys.stages import AffinityStage, ValidationTail

        listed: list[Stage] = []
        if self.config.affinity_rerank:
            listed.append(AffinityStage())
        if self.config.validation_tail_epochs:
            epochs, learning_rate = self.config.validation_tail_epochs, self.config.validation_tail_learning_rate
            listed.append(ValidationTail(epochs=epochs, learning_rate=learning_rate))
        return listed

    def training_examples(self) -> int:
        return len(self._windows.get("lengths", ()))

    def training_batches(self, rng: np.random.Generator, batch_size: int) -> Iterator[dict[str, torch.Tensor]]:
        return training_batches(
            self._windows,
            rng,
            batch_size,
            length_buckets=self.config.length_buckets,
            shuffle_ties=self.config.shuffle_ties,
            device=self.device,
        )

    def training_loss(self, batch: dict[str, torch.Tensor]) -> torch.Tensor:
        """Cross-entropy of the next item at every non-padding position of a ``[B, L]`` batch."""
        sampled = self.n_items > self.config.sampled_softmax_threshold
        # Sampled softmax needs the vectors of the batch's items and the negatives only (see below).
        vectors = None if sampled else self.network.item_vectors()
        items = batch["items"]
        valid = (batch["targets"] > 0) & (items > 0)
        if self.config.token_dropout > 0:
            # Hiding random past items from the sequence (they become padding and predict
            # nothing) regularises a model that would otherwise memorise exact sequences.
            dropped = (torch.rand(items.shape, device=items.device) < self.config.token_dropout) & (items > 0)
            items, valid = items.masked_fill(dropped, 0), valid & ~dropped
        if sampled:
            negatives = torch.randint(1, self.n_items + 1, (self.config.sampled_negatives,), device=items.device)
            # The vectors of the inputs, targets and negatives, each item once: on a large catalogue computing
            # every item's vector (and its gradient) at every step cost more than the rest of the step.
            needed, where = torch.unique(
                torch.cat([items.reshape(-1), batch["targets"].reshape(-1), negatives]), return_inverse=True
            )
            some = self.network.item_vectors(needed)
            inputs, targets_at = where[: items.numel()], where[items.numel() : 2 * items.numel()]
            input_vectors = some[inputs].view(*items.shape, -1)
            hidden = self.network.encode(items, batch["events"], batch["gaps"], None, input_vectors=input_vectors)
        else:
            hidden = self.network.encode(items, batch["events"], batch["gaps"], vectors)
        rows, positions = valid.nonzero(as_tuple=True)
        hidden, targets = hidden[rows, positions], batch["targets"][rows, positions]  # [P, D], [P]
        aged = self.network.age is not None
        now = batch["now"][rows, positions] if aged else None
        if not sampled:
            logits = hidden @ vectors[1:].T  # [P, n_items]
            if aged:
                logits = logits + self.network.age_logits(hidden, now, self._catalogue())
            if self.config.exclude_seen_in_loss:
                logits = logits.masked_fill(_seen_before(items, rows, positions, targets, self.n_items), float("-inf"))
            logits, classes = logits.float(), targets - 1
        else:
            target_vectors = some[targets_at.view(items.shape)[rows, positions]]  # [P, D]
            positive = (hidden * target_vectors).sum(-1, keepdim=True)  # [P, 1]
            negative = hidden @ some[where[2 * items.numel() :]].T  # [P, K]
            if aged:
                positive = positive + self.network.age_logits(hidden, now, targets.unsqueeze(1))
                negative = negative + self.network.age_logits(hidden, now, negatives)
            negative = negative.masked_fill(negatives.unsqueeze(0) == targets.unsqueeze(1), float("-inf"))
            logits, classes = torch.cat([positive, negative], dim=1).float(), torch.zeros_like(targets)
        if self._target_weights is None:
            return F.cross_entropy(logits, classes)
        weights = self._target_weights.to(logits.device)[batch["target_events"][rows, positions]]
        losses = F.cross_entropy(logits, classes, reduction="none")
        return (losses * weights).sum() / weights.sum().clamp_min(1e-9)

    def invalidate_cache(self) -> None:
        self._item_cache = None
        self._last_user = None
        self._last_reference = None

    def _catalogue(self) -> torch.Tensor:
        """``[n_items]`` the item indices 1..n."""
        return torch.arange(1, self.n_items + 1, device=self.device)

    # Scoring.

    def item_matrix(self) -> torch.Tensor:
        """``[N, D]`` item vectors in eval mode, computed once and cached until weights change."""
        if self._item_cache is None:
            self.network.eval()
            with torch.inference_mode():
                self._item_cache = self.network.item_vectors().float().contiguous()
        return self._item_cache

    def user_vectors(self, histories: Sequence[HistoryLike]) -> torch.Tensor:
        """``[B, D]`` hidden state after each history's newest item (zero for empty histories).

        One shopper's (the serving case) is kept until another history or new weights: a page asks
        for it to retrieve candidates and again to score them.
        """
        if len(histories) == 1:
            history = History.coerce(histories[0])
            key = _history_key(history)
            kept = self._last_user
            if kept is not None and kept[0] == key:
                return kept[1]
            vector = self._user_vectors([history])
            self._last_user = (key, vector)
            return vector
        return self._user_vectors(histories)

    def _user_vectors(self, histories: Sequence[HistoryLike]) -> torch.Tensor:
        vectors = self.item_matrix()
        self.network.eval()
        items, events, gaps = history_batch(
            [History.coerce(h) for h in histories],
            max_len=self.config.max_len,
            time_buckets=self.config.time_buckets,
            n_events=len(self.event_types),
            device=self.device,
        )
        with torch.inference_mode():
            hidden = self.network.encode(items, events, gaps, vectors)[:, -1].float()
        return hidden * (items[:, -1:] > 0)

    def score(self, histories: Sequence[HistoryLike]) -> np.ndarray:
        """``[B, N]`` scores of every item (rescored by the affinity stage when fitted); column 0 is -inf."""
        base = self._base_scores(histories)
        if self.affinity is None:
            return base
        return self.affinity.rerank([History.coerce(h) for h in histories], base)

    def base_scores(self, histories: Sequence[HistoryLike], *, batch_size: int = 256) -> np.ndarray:
        """``[B, N]`` the transformer's own scores, before the affinity stage, ``batch_size`` histories at a time."""
        parts = [self._base_scores(histories[s : s + batch_size]) for s in range(0, len(histories), batch_size)]
        return np.concatenate(parts) if parts else np.zeros((0, self.n_items + 1), dtype=np.float32)

    def _base_scores(self, histories: Sequence[HistoryLike]) -> np.ndarray:
        """``[B, N]`` dot products with every item; column 0 is -inf."""
        with torch.inference_mode():
            users = self.user_vectors(histories)
            scores = users @ self.item_matrix().T
            if self.network.age is not None:
                scores[:, 1:] += self.network.age_logits(users, self._history_times(histories), self._catalogue())
            scores[:, 0] = float("-inf")
        return scores.cpu().numpy()

    def _history_times(self, histories: Sequence[HistoryLike]) -> torch.Tensor:
        return history_times([History.coerce(h) for h in histories], self.device)

    def score_items(self, histories: Sequence[HistoryLike], item_indices: np.ndarray) -> np.ndarray:
        """``[B, C]`` scores of candidates ``[C]`` or ``[B, C]`` without scoring the whole catalog.

        The affinity stage standardises the base scores over the catalogue: up to
        ``EXACT_STANDARDISATION_ITEMS`` items the whole catalogue is scored (a dot product per item),
        above it the candidates and a fixed sample of ``REFERENCE_ITEMS`` items, whose scores stand for
        the catalogue's (see ``AffinityReranker.rerank_items``).
        """
        if self.affinity is None:
            return self._base_items(histories, item_indices)
        if self.n_items <= EXACT_STANDARDISATION_ITEMS:
            return Recommender.score_items(self, histories, item_indices)
        idx = np.asarray(item_indices, dtype=np.int64)
        rows = []
        for row, history in enumerate(histories):
            history = History.coerce(history)
            columns = idx if idx.ndim == 1 else idx[row]
            base = self._base_items([history], columns)
            rows.append(self.affinity.rerank_items([history], base, columns, self._reference_scores(history))[0])
        return np.stack(rows) if rows else np.zeros((0, idx.shape[-1]), dtype=np.float32)

    def _reference_scores(self, history: History) -> np.ndarray:
        """``[1, S]`` the transformer's scores of the reference sample for one history, kept like its vector:
        a page's lists are scored one after the other for the same shopper."""
        reference = self.reference_items()
        key = (_history_key(history), len(reference))
        kept = self._last_reference
        if kept is not None and kept[0] == key:
            return kept[1]
        scores = self._base_items([history], reference)
        self._last_reference = (key, scores)
        return scores

    def reference_items(self) -> np.ndarray:
        """A fixed sample of at most ``REFERENCE_ITEMS`` item indices (all of them on a smaller catalogue)."""
        if self._reference is None or len(self._reference) != min(self.n_items, REFERENCE_ITEMS):
            catalogue = np.arange(1, self.n_items + 1)
            if self.n_items > REFERENCE_ITEMS:
                catalogue = np.sort(np.random.default_rng(0).choice(catalogue, REFERENCE_ITEMS, replace=False))
            self._reference = catalogue
        return self._reference

    def _base_items(self, histories: Sequence[HistoryLike], item_indices: np.ndarray) -> np.ndarray:
        """``[B, C]`` the transformer's own scores of candidates ``[C]`` or ``[B, C]``; index 0 is -inf."""
        idx = torch.as_tensor(np.asarray(item_indices, dtype=np.int64), device=self.device)
        with torch.inference_mode():
            users = self.user_vectors(histories)
            if idx.dim() == 1:
                scores = users @ self.item_matrix()[idx].T
            else:
                scores = torch.einsum("bd,bcd->bc", users, self.item_matrix()[idx])
            if self.network.age is not None:
                scores = scores + self.network.age_logits(users, self._history_times(histories), idx)
            scores = scores.masked_fill(idx == 0, float("-inf"))
        return scores.cpu().numpy()

    # Artifacts.

    def _state(self) -> dict[str, Any]:
        return {
            "n_items": self.n_items,
            "n_events": len(self.event_types),
            "network": {k: v.detach().cpu() for k, v in self.network.state_dict().items()},
            "affinity": self.affinity.state() if self.affinity is not None else None,
        }

    def _load_state(self, state: dict[str, Any], *, device: str) -> None:
        weights = state["network"]
        self.network = SASRecNetwork(state["n_items"], state["n_events"], self.config, content_from_state(weights))
        self.network.load_state_dict(weights)
        affinity = state.get("affinity")
        self.affinity = AffinityReranker.from_state(affinity) if affinity else None
        self.to(device)
        self.network.eval()


def _history_key(history: History) -> tuple:
    """What a history's vector depends on, as bytes: items, events and times."""
    parts = (history.items, history.events, history.timestamps)
    return tuple(None if part is None else np.asarray(part).tobytes() for part in parts)


def _seen_before(
    items: torch.Tensor, rows: torch.Tensor, positions: torch.Tensor, targets: torch.Tensor, n_items: int
) -> torch.Tensor:
    """``[P, n_items]`` True where the item is in the input ``[B, L]`` up to each position, the target excepted."""
    b, length = items.shape
    order = torch.arange(length, dtype=torch.int16, device=items.device).expand(b, length)
    first = torch.full((b, n_items + 1), length, dtype=torch.int16, device=items.device)
    first.scatter_reduce_(1, items, order, reduce="amin")  # first position of each item per row
    seen = first[rows, 1:] <= positions.to(torch.int16).unsqueeze(1)
    return seen.scatter_(1, (targets - 1).unsqueeze(1), False)
