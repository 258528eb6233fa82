"""The self-attentive sequential recommender.

``config.py`` its hyperparameters, ``network.py`` the torch module, ``inputs.py`` the tensors it
reads, ``heuristics.py`` the settings the training data decides, ``model.py`` the recommender
(training loss, scoring, artifacts). What runs after the epochs lives in ``recsys/stages.py``.
"""

from personalization.recsys.models.sasrec.config import SASRecConfig
from personalization.recsys.models.sasrec.heuristics import (
    repeats_are_rare,
    target_weights,
    time_gaps_informative,
    zero_gap_share,
)
from personalization.recsys.models.sasrec.inputs import GAP_UNKNOWN, gap_buckets
from personalization.recsys.models.sasrec.model import SASRec
from personalization.recsys.models.sasrec.network import SASRecNetwork
from personalization.recsys.models.sasrec.plain import PlainSASRec, PlainSASRecConfig

__all__ = [
    "GAP_UNKNOWN",
    "PlainSASRec",
    "PlainSASRecConfig",
    "SASRec",
    "SASRecConfig",
    "SASRecNetwork",
    "gap_buckets",
    "repeats_are_rare",
    "target_weights",
    "time_gaps_informative",
    "zero_gap_share",
]
