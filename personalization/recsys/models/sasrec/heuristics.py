"""Settings that SASRec leaves to the training data: time gaps, the softmax's seen items, target weights.

``fit`` settles them once, from the training split only, and stores the first two in the config so
that a saved model reads histories the way it was trained.
"""

from __future__ import annotations

import numpy as np
import torch

from personalization.recsys.data import InteractionDataset

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


def zero_gap_share(dataset: InteractionDataset) -> float:
    """Share of consecutive interactions (within a user) that have the same timestamp."""
    gaps = [np.diff(seq.timestamps) for seq in dataset.sequences if len(seq) > 1]
    if not gaps:
        return 0.0
    return float(np.mean(np.concatenate(gaps) <= 0))


def time_gaps_informative(dataset: InteractionDataset) -> bool:
    """Whether the gap embedding is worth using on ``dataset`` (the training split only)."""
    return zero_gap_share(dataset) < ZERO_GAP_SHARE_LIMIT


def repeats_are_rare(dataset: InteractionDataset) -> bool:
    """Whether (almost) no training interaction returns to an item the user already had."""
    total = sum(len(seq) for seq in dataset.sequences)
    repeats = sum(len(seq) - len(np.unique(seq.items)) for seq in dataset.sequences)
    return total == 0 or repeats / total < REPEAT_SHARE_LIMIT


def target_weights(dataset: InteractionDataset) -> torch.Tensor | None:
    """``[n_event_codes]`` loss weight per event code; None when every event in the data weighs the same."""
    present = np.unique(np.concatenate([seq.events for seq in dataset.sequences] or [np.zeros(0, np.int64)]))
    if len({float(dataset.event_weights[code]) for code in present}) <= 1:
        return None
    return torch.as_tensor(dataset.event_weights, dtype=torch.float32)
