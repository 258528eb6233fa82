"""The self-attentive sequential recommender; see ``model.py`` for what it reads and learns."""

from personalization.recsys.models.sasrec.model import (
    GAP_UNKNOWN,
    SASRec,
    SASRecConfig,
    SASRecNetwork,
    gap_buckets,
    repeats_are_rare,
    target_weights,
    time_gaps_informative,
    zero_gap_share,
)

__all__ = [
    "GAP_UNKNOWN",
    "SASRec",
    "SASRecConfig",
    "SASRecNetwork",
    "gap_buckets",
    "repeats_are_rare",
    "target_weights",
    "time_gaps_informative",
    "zero_gap_share",
]
