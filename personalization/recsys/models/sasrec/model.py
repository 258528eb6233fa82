"""Self-attentive sequential recommender (SASRec family) with event, time and content signals.

The input at each position is the item's vector plus a learned position, the event type
(view / add_to_cart / purchase) and the bucketised log time gap since the previous
interaction. A causal transformer reads the last ``max_len`` items; the hidden state at
each position scores the next item by a dot product with the SAME item vectors used at the
input (tied embeddings). Training uses full-softmax cross-entropy over the catalog, or
sampled softmax with shared uniform negatives once the catalog is larger than
``sampled_softmax_threshold``.

Item vectors are ``id embedding + content embedding`` (category, brand, price band, hashed
title tokens). Items without training interactions drop the id part, so a new product's
vector is its content vector and lands next to similar products; during training the id
part is also dropped at random (``id_dropout``) so that the content part learns to stand
alone.

Shapes: ``B`` batch, ``L`` positions (left-padded, the newest item last), ``D`` hidden size,
``N`` = n_items + 1 (row 0 is padding).
"""

from __future__ import annotations

import dataclasses
import time
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Self

import numpy as np
import torch
from torch import nn
from torch.nn import functional as F

from personalization.recsys.content import ItemContent
from personalization.recsys.data import InteractionDataset
from personalization.recsys.models.affinity import AffinityConfig, AffinityReport, AffinityReranker
from personalization.recsys.models.base import History, HistoryLike, Recommender, TorchRecommender
from personalization.recsys.models.covisitation import CoVisitation

if TYPE_CHECKING:
    from personalization.recsys.choices import Choice
    from personalization.recsys.evaluation import HeldOut
    from personalization.recsys.trainer import Trainer, TrainingReport

GAP_UNKNOWN = 1  # first item of a sequence, or no timestamps given; 0 is padding
# Time gaps are left out when at least this share of consecutive training interactions share
# one timestamp: the clock then records batches (ml-100k: 51% of gaps are 0 s, ratings entered
# in bulk), not a visitor's pace, and the gap embedding only adds noise. Shop events are
# stamped as they happen, so there gaps stay in.
ZERO_GAP_SHARE_LIMIT = 0.25
# When fewer than this share of training interactions return to an item the user already had
# (ml-100k: none, each movie is rated once), the softmax of each position leaves out the
# items before it: evaluation and serving never recommend them, so the model need not spend
# its capacity pushing them down. Shops where visitors come back to products keep them in.
REPEAT_SHARE_LIMIT = 0.02


@dataclass
class SASRecConfig:
    hidden: int = 64
    layers: int = 2
    heads: int = 1
    max_len: int = 200
    dropout: float = 0.3
    attention_dropout: float = 0.0  # dropout on attention weights is the slowest op on CPU
    length_buckets: bool = True  # batch windows of similar length together to skip padding
    time_buckets: int = 26  # log2 gap in seconds, 2**25 s is about a year
    use_event_types: bool = True
    # None: decided by ``fit`` from the training data (see ``time_gaps_informative``); the
    # decision is stored in the config, so a saved model reads histories the way it was trained.
    use_time_gaps: bool | None = None
    id_dropout: float = 0.1  # only used when the data set has content features
    # None: decided by ``fit``; True when visitors (almost) never come back to an item they
    # already had, see ``repeats_are_rare``.
    exclude_seen_in_loss: bool | None = None
    shuffle_ties: bool = True  # reorder items with equal timestamps at random in training
    token_dropout: float = 0.0  # share of input items hidden from each training sequence
    # Each predicted item counts in the loss with its event's weight (a purchase more than a
    # view), so the model learns what people go on to buy, not only what they look at next.
    weight_targets_by_event: bool = True
    sampled_softmax_threshold: int = 50_000
    sampled_negatives: int = 2048
    # A linear second stage over the visitor's category, brand and price affinities and the items'
    # co-visitation with the history (see ``affinity.py``), fitted after training on logged clicks,
    # else on the validation targets; kept only when it ranks a checking half better.
    affinity_rerank: bool = True
    # Once early stopping has chosen the epoch, this many more epochs on the training sequences with
    # each user's validation item put back. The validation item is the user's most recent known
    # behaviour, the nearest to what comes next; choosing the epoch needed it held out, learning from
    # it does not. Off by default: on ml-100k (3 seeds, one thread) 2 epochs at 5e-4 raised HR@10 from
    # 0.2008 to 0.2071 and NDCG@10 from 0.1076 to 0.1093, but one level earlier (the validation item as
    # the target, the test item untouched) the gain was within noise, and the shop's closed loop was
    # measured without it. Try it with ``benchmark --set validation_tail_epochs=2``.
    validation_tail_epochs: int = 0
    validation_tail_learning_rate: float = 5e-4


class SASRecNetwork(nn.Module):
    def __init__(self, n_items: int, n_events: int, config: SASRecConfig, content: ItemContent | None) -> None:
        super().__init__()
        d = config.hidden
        self.config = config
        self.item_embedding = nn.Embedding(n_items + 1, d, padding_idx=0)
        self.position_embedding = nn.Embedding(config.max_len, d)
        self.event_embedding = nn.Embedding(n_events + 1, d, padding_idx=0)
        self.gap_embedding = nn.Embedding(config.time_buckets + 2, d, padding_idx=0)
        self.register_buffer("warm", torch.ones(n_items + 1, dtype=torch.bool))
        self.content = ContentEmbedding(content, d) if content is not None else None
        self.input_norm = nn.LayerNorm(d)
        self.input_dropout = FastDropout(config.dropout)
        self.blocks = nn.ModuleList(
            CausalBlock(d, config.heads, config.dropout, config.attention_dropout) for _ in range(config.layers)
        )
        self.output_norm = nn.LayerNorm(d)
        self.apply(_init_weights)

    def item_vectors(self) -> torch.Tensor:
        """``[N, D]`` fused item vectors; row 0 is zero."""
        ids = self.item_embedding.weight
        if self.content is None:
            return ids
        keep = self.warm
        if self.training and self.config.id_dropout > 0:
            keep = keep & (torch.rand(keep.shape, device=keep.device) >= self.config.id_dropout)
        vectors = ids * keep.unsqueeze(1).to(ids.dtype) + self.content()
        return torch.cat([torch.zeros_like(vectors[:1]), vectors[1:]])

    def encode(
        self, items: torch.Tensor, events: torch.Tensor, gaps: torch.Tensor, item_vectors: torch.Tensor
    ) -> torch.Tensor:
        """Hidden states ``[B, L, D]`` from items, events and gap buckets ``[B, L]`` (0 = padding)."""
        length = items.shape[1]
        positions = torch.arange(self.config.max_len - length, self.config.max_len, device=items.device)
        x = item_vectors[items] + self.position_embedding(positions).unsqueeze(0)
        if self.config.use_event_types:
            x = x + self.event_embedding(events)
        if self.config.use_time_gaps:
            x = x + self.gap_embedding(gaps)
        valid = items > 0
        x = self.input_dropout(self.input_norm(x)) * valid.unsqueeze(-1)
        causal = torch.ones(length, length, dtype=torch.bool, device=items.device).tril()
        # Padding keys are hidden; every query may see itself so no attention row is empty.
        mask = (causal & valid.unsqueeze(1)) | torch.eye(length, dtype=torch.bool, device=items.device)
        mask = mask.unsqueeze(1)
        for block in self.blocks:
            x = block(x, mask) * valid.unsqueeze(-1)
        return self.output_norm(x)


class CausalBlock(nn.Module):
    """Pre-norm transformer block; ``mask`` is ``[B, 1, L, L]`` with True = may attend."""

    def __init__(self, d: int, heads: int, dropout: float, attention_dropout: float) -> None:
        super().__init__()
        self.heads = heads
        self.attention_dropout = attention_dropout
        self.attn_norm = nn.LayerNorm(d)
        self.qkv = nn.Linear(d, 3 * d)
        self.out = nn.Linear(d, d)
        self.ffn_norm = nn.LayerNorm(d)
        self.ffn = nn.Sequential(nn.Linear(d, 4 * d), nn.GELU(), nn.Linear(4 * d, d))
        self.residual_dropout = FastDropout(dropout)

    def forward(self, x: torch.Tensor, mask: torch.Tensor) -> torch.Tensor:
        b, length, d = x.shape
        q, k, v = self.qkv(self.attn_norm(x)).view(b, length, 3, self.heads, d // self.heads).unbind(2)
        attended = F.scaled_dot_product_attention(
            q.transpose(1, 2),
            k.transpose(1, 2),
            v.transpose(1, 2),
            attn_mask=mask,
            dropout_p=self.attention_dropout if self.training else 0.0,
        )
        x = x + self.residual_dropout(self.out(attended.transpose(1, 2).reshape(b, length, d)))
        return x + self.residual_dropout(self.ffn(self.ffn_norm(x)))


class FastDropout(nn.Module):
    """Inverted dropout from ``rand_like``; on CPU it is several times faster than ``nn.Dropout``."""

    def __init__(self, p: float) -> None:
        super().__init__()
        self.p = p

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        if not self.training or self.p == 0:
            return x
        keep = (torch.rand_like(x) >= self.p).to(x.dtype)
        return x * keep * (1.0 / (1.0 - self.p))


class ContentEmbedding(nn.Module):
    """``[N, D]`` sum of category, brand, price-band and mean title-token embeddings per item."""

    def __init__(self, content: ItemContent, d: int) -> None:
        super().__init__()
        self.register_buffer("category", torch.from_numpy(content.category))
        self.register_buffer("brand", torch.from_numpy(content.brand))
        self.register_buffer("price_band", torch.from_numpy(content.price_band))
        self.register_buffer("title_offsets", torch.from_numpy(content.title_offsets))
        self.register_buffer("title_tokens", torch.from_numpy(content.title_tokens))
        self.category_embedding = nn.Embedding(content.n_categories + 1, d, padding_idx=0)
        self.brand_embedding = nn.Embedding(content.n_brands + 1, d, padding_idx=0)
        self.price_embedding = nn.Embedding(content.n_price_bands + 1, d, padding_idx=0)
        self.title_embedding = nn.EmbeddingBag(content.n_title_buckets + 1, d, mode="mean")

    def forward(self) -> torch.Tensor:
        title = self.title_embedding(self.title_tokens, self.title_offsets)
        return (
            self.category_embedding(self.category)
            + self.brand_embedding(self.brand)
            + self.price_embedding(self.price_band)
            + title
        )


def target_weights(dataset: InteractionDataset) -> torch.Tensor | None:
    """Loss weight per event code; None when every event in the data weighs the same (a plain mean)."""
    present = np.unique(np.concatenate([seq.events for seq in dataset.sequences] or [np.zeros(0, np.int64)]))
    if len({float(dataset.event_weights[code]) for code in present}) <= 1:
        return None
    return torch.as_tensor(dataset.event_weights, dtype=torch.float32)


def _init_weights(module: nn.Module) -> None:
    if isinstance(module, nn.Embedding | nn.EmbeddingBag | nn.Linear):
        nn.init.normal_(module.weight, std=0.02)
        if isinstance(module, nn.Linear) and module.bias is not None:
            nn.init.zeros_(module.bias)
        if isinstance(module, nn.Embedding) and module.padding_idx is not None:
            with torch.no_grad():
                module.weight[module.padding_idx].zero_()


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
        self._target_weights: torch.Tensor | None = None  # per event code, set by ``fit``
        self._item_cache: torch.Tensor | None = None
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
        from personalization.recsys.trainer import Trainer, seed_everything

        trainer = trainer or Trainer()
        seed_everything(trainer.config.seed)
        self._adopt_catalog(dataset)
        if self.config.use_time_gaps is None:
            self.config = dataclasses.replace(self.config, use_time_gaps=time_gaps_informative(dataset))
        if self.config.exclude_seen_in_loss is None:
            self.config = dataclasses.replace(self.config, exclude_seen_in_loss=repeats_are_rare(dataset))
        self.network = SASRecNetwork(dataset.n_items, len(dataset.event_types), self.config, dataset.content)
        counts = dataset.item_counts()
        self.network.warm.copy_(torch.from_numpy(counts > 0))
        self._windows = self._training_windows(dataset)
        self._target_weights = target_weights(dataset) if self.config.weight_targets_by_event else None
        self.affinity, self.affinity_report = None, None
        self.training_report = trainer.train(self, validation=validation, progress=progress)
        self._windows = {}
        if self.config.affinity_rerank and validation is not None:
            started = time.perf_counter()
            self._fit_affinity(dataset, validation, choices, seed=trainer.config.seed)
            self.training_report.stage_seconds = time.perf_counter() - started
            self.training_report.train_seconds += self.training_report.stage_seconds
        if validation is not None and len(validation) and self.config.validation_tail_epochs:
            self._fit_validation_tail(dataset, validation, trainer)
        return self

    def _fit_validation_tail(self, dataset: InteractionDataset, validation: HeldOut, trainer: Trainer) -> None:
        """The ``validation_tail_epochs`` more epochs with the validation items put back (see the config)."""
        from personalization.recsys.data import UserSequence
        from personalization.recsys.trainer import Trainer

        report = self.training_report
        held = {
            user: (validation.targets[i], validation.target_times[i], _event_or_default(validation, i))
            for i, user in enumerate(validation.user_ids)
        }
        sequences = []
        for seq in dataset.sequences:
            if seq.user_id in held:
                item, moment, event = held[seq.user_id]
                seq = UserSequence(
                    seq.user_id,
                    np.append(seq.items, item),
                    np.append(seq.timestamps, moment),
                    np.append(seq.events, event),
                )
            sequences.append(seq)
        self._windows = self._training_windows(dataset.with_sequences(sequences))
        tail_config = dataclasses.replace(
            trainer.config,
            epochs=self.config.validation_tail_epochs,
            learning_rate=self.config.validation_tail_learning_rate,
            max_seconds=None,
        )
        tail = Trainer(tail_config).train(self)
        self._windows = {}
        report.tail_epochs = tail.epochs
        report.epochs += tail.epochs
        report.losses += tail.losses
        report.train_seconds += tail.train_seconds

    def _fit_affinity(
        self, dataset: InteractionDataset, validation: HeldOut, choices: Iterable[Choice] | None, *, seed: int
    ) -> None:
        """The second stage, on logged clicks or on the validation targets the transformer never trained on."""
        from personalization.recsys.choices import choices_index

        config = AffinityConfig(seed=seed)
        choice_set = choices_index(dataset, choices) if choices is not None else None
        # Clicks leave co-visitation out (it ordered the logged lists) and need no validation scores.
        by_clicks = AffinityReranker.clicks_decide(choice_set)
        reranker = AffinityReranker.for_catalog(
            dataset.content,
            dataset.item_counts(),
            dataset.event_weights,
            decay=config.decay,
            transitions=None if by_clicks else CoVisitation().fit(dataset),
        )
        self.affinity_report = reranker.fit(
            list(validation.histories),
            validation.targets,
            None if by_clicks else self._base_scores_batched(validation.histories),
            config,
            choices=choice_set,
            choice_base=self._base_scores_batched(choice_set.histories) if choice_set is not None else None,
        )
        self.affinity = reranker if self.affinity_report.used else None

    # Training.

    def _training_windows(self, dataset: InteractionDataset) -> dict[str, np.ndarray]:
        """Left-padded windows of ``max_len + 1`` items; every position predicts the next one.

        ``sequence`` holds ``items[start : end + 1]`` (inputs are all but the last column, targets
        all but the first), long users give several windows. ``ties`` numbers the runs of equal
        timestamps (1, 2, ... from the left; 0 is padding) for :meth:`training_batches`.
        """
        max_len = self.config.max_len
        rows: list[tuple[np.ndarray, ...]] = []
        for seq in dataset.sequences:
            if len(seq) < 2:
                continue
            gaps = gap_buckets(seq.timestamps, self.config.time_buckets)
            ties = np.concatenate([[1], 1 + np.cumsum(np.diff(seq.timestamps) != 0)])
            end = len(seq) - 1
            while end > 0:
                start = max(0, end - max_len)
                part = slice(start, end + 1)
                rows.append((seq.items[part], seq.events[part], ties[part] - ties[start] + 1, gaps[start:end]))
                end = start
        width = max_len + 1
        out = {name: np.zeros((len(rows), width), dtype=np.int64) for name in ("sequence", "events", "ties")}
        out["gaps"] = np.zeros((len(rows), max_len), dtype=np.int64)
        for r, (items, events, ties, gaps) in enumerate(rows):
            n = len(items)
            out["sequence"][r, width - n :] = items
            out["events"][r, width - n :] = events
            out["ties"][r, width - n :] = ties
            out["gaps"][r, max_len - (n - 1) :] = gaps
        out["lengths"] = np.asarray([len(p[0]) - 1 for p in rows], dtype=np.int64)
        return out

    def training_examples(self) -> int:
        return len(self._windows.get("lengths", ()))

    def training_batches(self, rng: np.random.Generator, batch_size: int) -> Iterator[dict[str, torch.Tensor]]:
        windows = self._windows
        order = rng.permutation(len(windows["lengths"]))
        batches = [order[start : start + batch_size] for start in range(0, len(order), batch_size)]
        if self.config.length_buckets:
            chunk = batch_size * 16
            batches = []
            for start in range(0, len(order), chunk):
                part = order[start : start + chunk]
                part = part[np.argsort(windows["lengths"][part], kind="stable")]
                batches += [part[i : i + batch_size] for i in range(0, len(part), batch_size)]
            batches = [batches[i] for i in rng.permutation(len(batches))]
        for idx in batches:
            width = int(windows["lengths"][idx].max())
            sequence = windows["sequence"][idx, -(width + 1) :]
            events = windows["events"][idx, -(width + 1) :]
            if self.config.shuffle_ties:
                # Items stamped in the same second have no real order (bulk imports, ratings
                # entered together): each epoch sees them in a fresh random order, so the model
                # does not learn an order the data never had. Distinct timestamps keep theirs.
                ties = windows["ties"][idx, -(width + 1) :]
                shuffled = np.argsort(ties + rng.random(ties.shape), axis=1, kind="stable")
                sequence = np.take_along_axis(sequence, shuffled, axis=1)
                events = np.take_along_axis(events, shuffled, axis=1)
            batch = {
                "items": sequence[:, :-1],
                "events": events[:, :-1],
                "gaps": windows["gaps"][idx, -width:],
                "targets": sequence[:, 1:],
                "target_events": events[:, 1:],
            }
            yield {name: torch.from_numpy(np.ascontiguousarray(a)).to(self.device) for name, a in batch.items()}

    def training_loss(self, batch: dict[str, torch.Tensor]) -> torch.Tensor:
        """Cross-entropy of the next item at every non-padding position."""
        vectors = self.network.item_vectors()
        items = batch["items"]
        valid = (batch["targets"] > 0) & (items > 0)
        if self.config.token_dropout > 0:
            # Hiding random past items from the sequence (they become padding and predict
            # nothing) regularises a model that would otherwise memorise exact sequences.
            dropped = (torch.rand(items.shape, device=items.device) < self.config.token_dropout) & (items > 0)
            items, valid = items.masked_fill(dropped, 0), valid & ~dropped
        hidden = self.network.encode(items, batch["events"], batch["gaps"], vectors)
        rows, positions = valid.nonzero(as_tuple=True)
        hidden, targets = hidden[rows, positions], batch["targets"][rows, positions]  # [P, D], [P]
        if self.n_items <= self.config.sampled_softmax_threshold:
            logits = hidden @ vectors[1:].T  # [P, n_items]
            if self.config.exclude_seen_in_loss:
                logits = logits.masked_fill(_seen_before(items, rows, positions, targets, self.n_items), float("-inf"))
            logits, classes = logits.float(), targets - 1
        else:
            negatives = torch.randint(1, self.n_items + 1, (self.config.sampled_negatives,), device=hidden.device)
            positive = (hidden * vectors[targets]).sum(-1, keepdim=True)  # [P, 1]
            negative = hidden @ vectors[negatives].T  # [P, K]
            negative = negative.masked_fill(negatives.unsqueeze(0) == targets.unsqueeze(1), float("-inf"))
            logits, classes = torch.cat([positive, negative], dim=1).float(), torch.zeros_like(targets)
        if self._target_weights is None:
            return F.cross_entropy(logits, classes)
        weights = self._target_weights.to(logits.device)[batch["target_events"][rows, positions]]
        losses = F.cross_entropy(logits, classes, reduction="none")
        return (losses * weights).sum() / weights.sum().clamp_min(1e-9)

    def invalidate_cache(self) -> None:
        self._item_cache = None

    # Scoring.

    def item_matrix(self) -> torch.Tensor:
        """``[N, D]`` item vectors in eval mode, computed once and cached until weights change."""
        if self._item_cache is None:
            self.network.eval()
            with torch.inference_mode():
                self._item_cache = self.network.item_vectors().float().contiguous()
        return self._item_cache

    def user_vectors(self, histories: Sequence[HistoryLike]) -> torch.Tensor:
        """``[B, D]`` hidden state after each history's newest item (zero for empty histories)."""
        vectors = self.item_matrix()
        self.network.eval()
        items, events, gaps = self._history_batch([History.coerce(h) for h in histories])
        with torch.inference_mode():
            hidden = self.network.encode(items, events, gaps, vectors)[:, -1].float()
        return hidden * (items[:, -1:] > 0)

    def score(self, histories: Sequence[HistoryLike]) -> np.ndarray:
        """``[B, N]`` scores of every item (rescored by the affinity stage when fitted); column 0 is -inf."""
        base = self._base_scores(histories)
        if self.affinity is None:
            return base
        return self.affinity.rerank([History.coerce(h) for h in histories], base)

    def _base_scores_batched(self, histories: Sequence[HistoryLike], batch_size: int = 256) -> np.ndarray:
        parts = [self._base_scores(histories[s : s + batch_size]) for s in range(0, len(histories), batch_size)]
        return np.concatenate(parts) if parts else np.zeros((0, self.n_items + 1), dtype=np.float32)

    def _base_scores(self, histories: Sequence[HistoryLike]) -> np.ndarray:
        """``[B, N]`` dot products with every item; column 0 is -inf."""
        with torch.inference_mode():
            scores = self.user_vectors(histories) @ self.item_matrix().T
            scores[:, 0] = float("-inf")
        return scores.cpu().numpy()

    def score_items(self, histories: Sequence[HistoryLike], item_indices: np.ndarray) -> np.ndarray:
        """``[B, C]`` scores of candidates ``[C]`` or ``[B, C]`` without scoring the whole catalog.

        The affinity stage standardises the base scores over the catalogue, so with it the whole
        catalogue is scored (a dot product per item: cheap at shop sizes).
        """
        if self.affinity is not None:
            return Recommender.score_items(self, histories, item_indices)
        idx = torch.as_tensor(np.asarray(item_indices, dtype=np.int64), device=self.device)
        with torch.inference_mode():
            users = self.user_vectors(histories)
            if idx.dim() == 1:
                scores = users @ self.item_matrix()[idx].T
            else:
                scores = torch.einsum("bd,bcd->bc", users, self.item_matrix()[idx])
            scores = scores.masked_fill(idx == 0, float("-inf"))
        return scores.cpu().numpy()

    def _history_batch(self, histories: list[History]) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor]:
        max_len = self.config.max_len
        width = max(1, min(max_len, max((len(h.items) for h in histories), default=1)))
        items = np.zeros((len(histories), width), dtype=np.int64)
        events = np.zeros_like(items)
        gaps = np.zeros_like(items)
        for row, h in enumerate(histories):
            keep = h.items > 0
            seq = h.items[keep][-max_len:]
            n = len(seq)
            if n == 0:
                continue
            items[row, width - n :] = seq
            ev = h.events[keep][-max_len:] if h.events is not None else np.ones(n, dtype=np.int64)
            events[row, width - n :] = np.clip(ev, 1, len(self.event_types))
            if h.timestamps is not None:
                gaps[row, width - n :] = gap_buckets(h.timestamps[keep], self.config.time_buckets)[-max_len:]
            else:
                gaps[row, width - n :] = GAP_UNKNOWN
        return tuple(torch.from_numpy(a).to(self.device) for a in (items, events, gaps))  # type: ignore[return-value]

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
        content = _content_from_state(weights) if "content.category" in weights else None
        self.network = SASRecNetwork(state["n_items"], state["n_events"], self.config, content)
        self.network.load_state_dict(weights)
        affinity = state.get("affinity")
        self.affinity = AffinityReranker.from_state(affinity) if affinity else None
        self.to(device)
        self.network.eval()


def _event_or_default(held_out: HeldOut, row: int) -> int:
    return int(held_out.target_events[row]) if held_out.target_events is not None else 1


def zero_gap_share(dataset: InteractionDataset) -> float:
    """Share of consecutive interactions (within a user) that have the same timestamp."""
    gaps = [np.diff(seq.timestamps) for seq in dataset.sequences if len(seq) > 1]
    if not gaps:
        return 0.0
    return float(np.mean(np.concatenate(gaps) <= 0))


def repeats_are_rare(dataset: InteractionDataset) -> bool:
    """Whether (almost) no training interaction returns to an item the user already had."""
    total = sum(len(seq) for seq in dataset.sequences)
    repeats = sum(len(seq) - len(np.unique(seq.items)) for seq in dataset.sequences)
    return total == 0 or repeats / total < REPEAT_SHARE_LIMIT


def _seen_before(
    items: torch.Tensor, rows: torch.Tensor, positions: torch.Tensor, targets: torch.Tensor, n_items: int
) -> torch.Tensor:
    """``[P, n_items]`` True where the item is in the input up to each position, the target excepted."""
    b, length = items.shape
    order = torch.arange(length, dtype=torch.int16, device=items.device).expand(b, length)
    first = torch.full((b, n_items + 1), length, dtype=torch.int16, device=items.device)
    first.scatter_reduce_(1, items, order, reduce="amin")  # first position of each item per row
    seen = first[rows, 1:] <= positions.to(torch.int16).unsqueeze(1)
    return seen.scatter_(1, (targets - 1).unsqueeze(1), False)


def time_gaps_informative(dataset: InteractionDataset) -> bool:
    """Whether the gap embedding is worth using on ``dataset`` (the training split only)."""
    return zero_gap_share(dataset) < ZERO_GAP_SHARE_LIMIT


def gap_buckets(timestamps: np.ndarray, n_buckets: int) -> np.ndarray:
    """``[n]`` bucket ids of the gap to the previous interaction: 2 + floor(log2(1 + seconds))."""
    out = np.full(len(timestamps), GAP_UNKNOWN, dtype=np.int64)
    if len(timestamps) > 1:
        gaps = np.maximum(np.diff(np.asarray(timestamps, dtype=np.float64)), 0.0)
        out[1:] = 2 + np.minimum(np.floor(np.log2(1.0 + gaps)), n_buckets - 1).astype(np.int64)
    return out


def _content_from_state(weights: dict[str, torch.Tensor]) -> ItemContent:
    return ItemContent(
        category=weights["content.category"].numpy(),
        brand=weights["content.brand"].numpy(),
        price_band=weights["content.price_band"].numpy(),
        title_offsets=weights["content.title_offsets"].numpy(),
        title_tokens=weights["content.title_tokens"].numpy(),
        n_categories=weights["content.category_embedding.weight"].shape[0] - 1,
        n_brands=weights["content.brand_embedding.weight"].shape[0] - 1,
        n_price_bands=weights["content.price_embedding.weight"].shape[0] - 1,
        n_title_buckets=weights["content.title_embedding.weight"].shape[0] - 1,
    )
