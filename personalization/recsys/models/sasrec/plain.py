"""The reference the project's SASRec is measured against: a plain SASRec+ (SASRec with full-softmax
cross-entropy), the strong baseline of published re-evaluations.

Item ids, positions and two causal transformer layers of width 64; no content, event types, time
gaps, target weights or second stage. It trains with the same :class:`~personalization.recsys.trainer.Trainer`
to early stopping on validation NDCG@10, so the two differ only in what the project's model adds.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from personalization.recsys.data import InteractionDataset
from personalization.recsys.models.sasrec.config import SASRecConfig
from personalization.recsys.models.sasrec.model import SASRec

if TYPE_CHECKING:
    from personalization.recsys.trainer import Stage


@dataclass
class PlainSASRecConfig(SASRecConfig):
    dropout: float = 0.2
    use_event_types: bool = False
    use_time_gaps: bool | None = False
    exclude_seen_in_loss: bool | None = False
    shuffle_ties: bool = False
    weight_targets_by_event: bool = False
    affinity_rerank: bool = False
    transition_bias: bool | None = False


class PlainSASRec(SASRec):
    name = "sasrec_plain"
    Config = PlainSASRecConfig

    def prepare_training(self, dataset: InteractionDataset) -> None:
        super().prepare_training(dataclasses.replace(dataset, content=None))

    def use_training_data(self, dataset: InteractionDataset) -> None:
        super().use_training_data(dataclasses.replace(dataset, content=None))

    def stages(self) -> Sequence[Stage]:
        return ()
