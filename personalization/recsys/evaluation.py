"""Held-out evaluation with full ranking: chronological leave-last-out and a global time split.

Leave-last-out: for each user with at least three interactions the last one is the test target,
the second-last the validation target, and the rest is training data. Users with shorter
histories only train. It lets a model train on interactions later than other users' test ones.

Global time split (:func:`global_time_split`): one cut date; the test target of each user active
after it is their first interaction after the cut, read with everything they did before it; the
model trains only on what happened before the cut (each user's last item before it held out for
validation). Items released after the cut are new to the model, as they are in the shop.

Every target is ranked against the WHOLE catalog (no sampled negatives). Items already in the
user's history are excluded from the ranking, except the target itself when it is a repeat;
with ``exclude_history=False`` (data where shoppers come back to items) nothing is excluded and
the model must decide itself when a past item deserves a place. Ties are broken by item index
(lower first), so a constant scorer gets a well-defined, reproducible rank.

Above ``SAMPLE_USERS_ABOVE_ITEMS`` items the held-out USERS may be a fixed random sample
(:func:`evaluation_users`): each sampled user's target is still ranked against the whole
catalogue, and the metrics say how many users they cover (``users``, of ``held_out_users``).
Scores are computed a batch of users at a time, the batch no larger than ``SCORES_PER_BATCH``
scores, so memory does not grow with users x items.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from personalization.recsys import metrics as m
from personalization.recsys.data import InteractionDataset, UserSequence
from personalization.recsys.models.base import History, Recommender
from personalization.recsys.trainer import sample_users

# Scoring every item for every held-out user grows with users x items: above this catalogue size the
# final evaluation (and the champion's comparison, on the same users) ranks the whole catalogue for a
# fixed random sample of EVALUATION_USERS users, and validation while training for VALIDATION_USERS.
SAMPLE_USERS_ABOVE_ITEMS = 50_000
EVALUATION_USERS = 2_000
VALIDATION_USERS = 1_000
# At most this many scores ([users, n_items + 1] float32, 64 MB; ranking copies them a few times) per batch.
SCORES_PER_BATCH = 2**24


@dataclass(frozen=True)
class HeldOut:
    """Held-out targets, one per user, with the history available when each was chosen."""

    user_ids: tuple[Any, ...]
    histories: tuple[History, ...]
    targets: np.ndarray  # [n_users] int64 item indices
    target_times: np.ndarray  # [n_users] float64
    first_seen: np.ndarray  # [n_users] float64, the user's first interaction
    target_events: np.ndarray | None = None  # [n_users] int64 event codes of the targets

    def __len__(self) -> int:
        return len(self.targets)


@dataclass(frozen=True)
class LeaveLastOutSplit:
    train: InteractionDataset
    validation: HeldOut
    test: HeldOut


@dataclass(frozen=True)
class EvaluationResult:
    metrics: dict[str, float]
    segments: dict[str, dict[str, float]]
    ranks: np.ndarray = field(repr=False)  # [n_users] 0-based rank of each target
    top_items: np.ndarray = field(repr=False)  # [n_users, max_k]
    brand_exposure: dict[int, float] = field(default_factory=dict)  # brand id -> share of top-10 slots


def leave_last_out(dataset: InteractionDataset, *, min_length: int = 3) -> LeaveLastOutSplit:
    train: list[UserSequence] = []
    validation: list[tuple[UserSequence, int]] = []
    test: list[tuple[UserSequence, int]] = []
    for seq in dataset.sequences:
        if len(seq) < min_length:
            train.append(seq)
            continue
        train.append(seq.head(-2))
        validation.append((seq, len(seq) - 2))
        test.append((seq, len(seq) - 1))
    return LeaveLastOutSplit(dataset.with_sequences(train), _held_out(validation), _held_out(test))


def global_time_split(
    dataset: InteractionDataset, *, test_share: float = 0.1, min_length: int = 3
) -> LeaveLastOutSplit:
    """Train before a cut date, test on each user's first interaction after it.

    The cut is the ``1 - test_share`` quantile of all timestamps. Test histories are everything
    the user did before the cut (users with nothing before it cannot be scored and are left
    out). Each user's last interaction before the cut is the validation target when they have at
    least ``min_length`` of them; the rest is training data.
    """
    if not 0.0 < test_share < 1.0:
        raise ValueError("test_share must lie strictly between 0 and 1")
    stamps = np.concatenate([seq.timestamps for seq in dataset.sequences] or [np.zeros(0)])
    cut = float(np.quantile(stamps, 1.0 - test_share)) if len(stamps) else 0.0
    train: list[UserSequence] = []
    validation: list[tuple[UserSequence, int]] = []
    test: list[tuple[UserSequence, int]] = []
    for seq in dataset.sequences:
        before = int(np.searchsorted(seq.timestamps, cut, side="left"))
        if before < len(seq) and before > 0:
            test.append((seq, before))
        past = seq.head(before)
        if before >= min_length:
            train.append(past.head(-1))
            validation.append((past, before - 1))
        else:
            train.append(past)
    return LeaveLastOutSplit(dataset.with_sequences(train), _held_out(validation), _held_out(test))


def _held_out(cases: list[tuple[UserSequence, int]]) -> HeldOut:
    return HeldOut(
        user_ids=tuple(seq.user_id for seq, _ in cases),
        histories=tuple(
            History(seq.items[:t], seq.events[:t], seq.timestamps[:t], now=float(seq.timestamps[t])) for seq, t in cases
        ),
        targets=np.asarray([seq.items[t] for seq, t in cases], dtype=np.int64),
        target_times=np.asarray([seq.timestamps[t] for seq, t in cases], dtype=np.float64),
        first_seen=np.asarray([seq.timestamps[0] for seq, _ in cases], dtype=np.float64),
        target_events=np.asarray([seq.events[t] for seq, t in cases], dtype=np.int64),
    )


def evaluation_users(held_out: HeldOut, n_items: int, *, max_users: int | None = None, seed: int = 0) -> HeldOut:
    """``held_out`` whole up to ``SAMPLE_USERS_ABOVE_ITEMS`` items; above, a fixed random sample of at most
    ``max_users`` (default ``EVALUATION_USERS``) of its users, the same for the same arguments, in their order."""
    max_users = EVALUATION_USERS if max_users is None else max_users
    if n_items <= SAMPLE_USERS_ABOVE_ITEMS or len(held_out) <= max_users:
        return held_out
    return sample_users(held_out, max_users, seed)


def batch_users(n_items: int, batch_size: int = 256) -> int:
    """Users per scoring batch: ``batch_size``, fewer when their scores would pass ``SCORES_PER_BATCH``."""
    return max(1, min(batch_size, SCORES_PER_BATCH // (n_items + 1)))


def rank_targets(
    scores: np.ndarray, histories: Sequence[History], targets: np.ndarray, *, k: int, exclude_history: bool = True
) -> tuple[np.ndarray, np.ndarray]:
    """Ranks ``[batch]`` of ``targets`` and top-``k`` items ``[batch, k]`` from full scores.

    ``scores`` is ``[batch, n_items + 1]``; it is modified in place (history masked unless
    ``exclude_history`` is False).
    """
    rows = np.arange(len(targets))
    target_scores = scores[rows, targets].copy()
    for row, history in enumerate(histories if exclude_history else ()):
        scores[row, history.items] = -np.inf
    scores[:, 0] = -np.inf
    scores[rows, targets] = target_scores
    t = target_scores[:, None]
    index = np.arange(scores.shape[1])[None, :]
    ranks = np.count_nonzero(scores > t, axis=1) + np.count_nonzero((scores == t) & (index < targets[:, None]), axis=1)
    return ranks.astype(np.int64), top_k(scores, k)


def top_k(scores: np.ndarray, k: int) -> np.ndarray:
    """``[batch, k]`` indices of the highest scores, equal scores in index order.

    Same result as a stable argsort of ``-scores`` but without sorting the whole catalog.
    """
    k = min(k, scores.shape[1])
    kth = -np.partition(-scores, k - 1, axis=1)[:, k - 1]
    top = np.empty((len(scores), k), dtype=np.int64)
    for row, (values, threshold) in enumerate(zip(scores, kth, strict=True)):
        above = np.flatnonzero(values > threshold)
        tied = np.flatnonzero(values == threshold)[: k - len(above)]
        chosen = np.concatenate([above, tied])
        top[row] = chosen[np.lexsort((chosen, -values[chosen]))]
    return top


def evaluate(
    model: Recommender,
    held_out: HeldOut,
    *,
    item_popularity: np.ndarray | None = None,
    item_brand: np.ndarray | None = None,
    exclude_history: bool = True,
    batch_size: int = 256,
    few_interactions: int = 10,
    new_user_seconds: float = 7 * 86400.0,
) -> EvaluationResult:
    """HR@10, NDCG@10, Recall@20, MRR, coverage, novelty, popularity bias and brand exposure, overall
    and per segment.

    ``item_popularity`` is the ``[n_items + 1]`` training interaction count per item: it also
    decides the ``new_item`` segment (targets the model never saw in training). ``item_brand``
    (``[n_items + 1]`` brand ids, 0 unknown) adds each brand's share of the top-10 slots and their Gini.
    Every user of ``held_out`` is evaluated (see :func:`evaluation_users` for a sample), ``batch_size``
    at a time or fewer on a large catalogue (:func:`batch_users`).
    """
    ranks_parts, top_parts = [], []
    batch_size = batch_users(model.n_items, batch_size)
    for start in range(0, len(held_out), batch_size):
        stop = start + batch_size
        histories = held_out.histories[start:stop]
        scores = np.array(model.score(histories), dtype=np.float32)
        ranks, top = rank_targets(
            scores, histories, held_out.targets[start:stop], k=20, exclude_history=exclude_history
        )
        ranks_parts.append(ranks)
        top_parts.append(top)
    ranks = np.concatenate(ranks_parts) if ranks_parts else np.zeros(0, dtype=np.int64)
    top = np.concatenate(top_parts) if top_parts else np.zeros((0, 20), dtype=np.int64)
    popularity = item_popularity if item_popularity is not None else np.zeros(model.n_items + 1)
    relevant = [[int(t)] for t in held_out.targets]
    fns: dict[str, m.MetricFn] = {
        "HR@10": lambda r, _: m.hit_rate_at_k(r, 10),
        "NDCG@10": lambda r, _: m.ndcg_at_k(r, 10),
        "MRR": lambda r, _: m.mrr(r),
    }
    metrics = {name: fn(ranks, top) for name, fn in fns.items()}
    metrics["Recall@20"] = m.recall_at_k(top, relevant, 20)
    metrics["coverage@10"] = m.catalog_coverage(top[:, :10], model.n_items)
    metrics["avg_popularity@10"] = m.average_popularity(top[:, :10], popularity)
    metrics["novelty@10"] = m.novelty(top[:, :10], popularity)
    exposure: dict[int, float] = {}
    if item_brand is not None:
        exposure = m.exposure_share(top[:, :10], item_brand)
        brands = np.unique(np.asarray(item_brand)[1:])
        metrics["brand_gini@10"] = m.gini(np.asarray([exposure.get(int(b), 0.0) for b in brands]))
        metrics["top_brand_share@10"] = max(exposure.values(), default=0.0)
    metrics["users"] = float(len(ranks))
    lengths = np.asarray([len(h.items) for h in held_out.histories])
    segments = m.user_segments(
        lengths,
        held_out.first_seen,
        held_out.target_times,
        few_interactions=few_interactions,
        new_user_seconds=new_user_seconds,
    )
    # Cold start: targets released after the training data (content is all a model knows of them),
    # and shoppers with one or two events behind them.
    segments["new_item"] = (
        popularity[held_out.targets] == 0 if item_popularity is not None else np.zeros(len(ranks), bool)
    )
    segments["one_or_two_events"] = lengths <= 2
    return EvaluationResult(metrics, m.segment_metrics(ranks, top, segments, fns), ranks, top, exposure)
