"""What SASRec's network reads: training windows and their batches, and histories as padded tensors.

Every tensor is left-padded with 0, the newest item last. Shapes: ``B`` batch, ``L`` positions,
``W`` = ``max_len + 1`` (a training window: inputs and the next item of each).
"""

from __future__ import annotations

from collections.abc import Iterator

import numpy as np
import torch

from personalization.recsys.data import InteractionDataset
from personalization.recsys.models.base import History

GAP_UNKNOWN = 1  # first item of a sequence, or no timestamps given; 0 is padding


def gap_buckets(timestamps: np.ndarray, n_buckets: int) -> np.ndarray:
    """``[n]`` bucket ids of the gap to the previous interaction: 2 + floor(log2(1 + seconds))."""
    out = np.full(len(timestamps), GAP_UNKNOWN, dtype=np.int64)
    if len(timestamps) > 1:
        gaps = np.maximum(np.diff(np.asarray(timestamps, dtype=np.float64)), 0.0)
        out[1:] = 2 + np.minimum(np.floor(np.log2(1.0 + gaps)), n_buckets - 1).astype(np.int64)
    return out


def training_windows(dataset: InteractionDataset, *, max_len: int, time_buckets: int) -> dict[str, np.ndarray]:
    """Left-padded windows of ``max_len + 1`` items; every position predicts the next one.

    ``sequence``, ``events``, ``ties`` and ``times`` (epoch seconds) are ``[n_windows, W]``, ``gaps``
    ``[n_windows, W - 1]``, ``lengths`` ``[n_windows]`` (positions that predict). ``sequence`` holds
    ``items[start : end + 1]``
    (inputs are all but the last column, targets all but the first); long users give several windows.
    ``ties`` numbers the runs of equal timestamps (1, 2, ... from the left; 0 is padding) for
    :func:`training_batches`.
    """
    rows: list[tuple[np.ndarray, ...]] = []
    for seq in dataset.sequences:
        if len(seq) < 2:
            continue
        gaps = gap_buckets(seq.timestamps, time_buckets)
        ties = np.concatenate([[1], 1 + np.cumsum(np.diff(seq.timestamps) != 0)])
        end = len(seq) - 1
        while end > 0:
            start = max(0, end - max_len)
            part = slice(start, end + 1)
            rows.append(
                (seq.items[part], seq.events[part], ties[part] - ties[start] + 1, gaps[start:end], seq.timestamps[part])
            )
            end = start
    width = max_len + 1
    out = {name: np.zeros((len(rows), width), dtype=np.int64) for name in ("sequence", "events", "ties")}
    out["gaps"] = np.zeros((len(rows), max_len), dtype=np.int64)
    out["times"] = np.zeros((len(rows), width), dtype=np.float64)
    for r, (items, events, ties, gaps, times) in enumerate(rows):
        n = len(items)
        out["sequence"][r, width - n :] = items
        out["events"][r, width - n :] = events
        out["ties"][r, width - n :] = ties
        out["gaps"][r, max_len - (n - 1) :] = gaps
        out["times"][r, width - n :] = times
    out["lengths"] = np.asarray([len(p[0]) - 1 for p in rows], dtype=np.int64)
    return out


def training_batches(
    windows: dict[str, np.ndarray],
    rng: np.random.Generator,
    batch_size: int,
    *,
    length_buckets: bool,
    shuffle_ties: bool,
    device: torch.device,
) -> Iterator[dict[str, torch.Tensor]]:
    """One epoch of batches of :func:`training_windows`, in ``rng`` order, cut to the longest window.

    Each batch holds ``items``, ``events``, ``gaps``, ``targets``, ``target_events`` and ``now`` (the epoch
    seconds of each target: the moment its item was chosen), all ``[B, L]``.
    """
    order = rng.permutation(len(windows["lengths"]))
    batches = [order[start : start + batch_size] for start in range(0, len(order), batch_size)]
    if length_buckets:
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
        if shuffle_ties:
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
            # Items in a run of ties share one timestamp, so shuffling them leaves the times in place.
            "now": windows["times"][idx, -width:],
        }
        yield {name: torch.from_numpy(np.ascontiguousarray(a)).to(device) for name, a in batch.items()}


def history_batch(
    histories: list[History], *, max_len: int, time_buckets: int, n_events: int, device: torch.device
) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor]:
    """Items, event codes and gap buckets, each ``[B, L]``, of each history's newest ``max_len`` items.

    ``L`` is the longest history (at most ``max_len``, at least 1); unknown items (index 0) are
    dropped, a history without events reads as the first event type, one without timestamps as
    :data:`GAP_UNKNOWN` gaps.
    """
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
        events[row, width - n :] = np.clip(ev, 1, n_events)
        if h.timestamps is not None:
            gaps[row, width - n :] = gap_buckets(h.timestamps[keep], time_buckets)[-max_len:]
        else:
            gaps[row, width - n :] = GAP_UNKNOWN
    return tuple(torch.from_numpy(a).to(device) for a in (items, events, gaps))  # type: ignore[return-value]


def history_times(histories: list[History], device: torch.device) -> torch.Tensor:
    """``[B]`` float64 epoch seconds each history is read at: its ``now``, else its newest known item's; NaN
    without either."""
    now = np.full(len(histories), np.nan)
    for row, h in enumerate(histories):
        keep = h.items > 0
        if h.now is not None:
            now[row] = h.now
        elif h.timestamps is not None and keep.any():
            now[row] = float(np.asarray(h.timestamps, dtype=np.float64)[keep][-1])
    return torch.from_numpy(now).to(device)
