"""What runs after the epochs, once early stopping has chosen the weights.

A model lists its stages (``TorchRecommender.stages``) and :meth:`Trainer.fit` runs them in
that order, each with the same :class:`~personalization.recsys.trainer.StageContext`. SASRec's:

- :class:`AffinityStage`: the linear second stage of ``models/affinity.py``, fitted on logged
  clicks or else on the validation targets the transformer never trained on;
- :class:`ValidationTail`: a few more epochs with each user's validation item put back.

Both need validation data and do nothing without it.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

from personalization.recsys.choices import choices_index
from personalization.recsys.data import UserSequence
from personalization.recsys.models.affinity import (
    MAX_FULL_CATALOG,
    AffinityConfig,
    AffinityReranker,
    CountsOverTime,
)
from personalization.recsys.models.covisitation import CoVisitation
from personalization.recsys.models.regression import ItemRegression

if TYPE_CHECKING:
    from personalization.recsys.evaluation import HeldOut
    from personalization.recsys.models.sasrec import SASRec
    from personalization.recsys.trainer import StageContext


@dataclass(frozen=True)
class AffinityStage:
    """Fits ``model.affinity`` (kept only when it ranks a checking half better) and ``model.affinity_report``."""

    def run(self, model: SASRec, context: StageContext) -> None:
        validation = context.validation
        if validation is None:
            return
        started = time.perf_counter()
        dataset, choices = context.dataset, context.choices
        config = AffinityConfig(seed=context.trainer.config.seed)
        choice_set = choices_index(dataset, choices) if choices is not None else None
        # Clicks leave co-visitation out (it ordered the logged lists) and need no validation scores.
        by_clicks = AffinityReranker.clicks_decide(choice_set)
        reranker = AffinityReranker.for_catalog(
            dataset.content,
            dataset.item_counts(),
            dataset.event_weights,
            decay=config.decay,
            transitions=None if by_clicks else CoVisitation().fit(dataset),
            regression=ItemRegression().fit(dataset).or_none(),
            interactions=CountsOverTime.of(dataset.sequences),
            launch_slots=model.config.launch_slots,
        )
        # A large catalogue's base scores are computed for the few histories whose features are being
        # gathered (the function itself goes to the stage), never [visitors, catalogue] at once.
        chunked = dataset.n_items + 1 > MAX_FULL_CATALOG

        def base_of(histories):
            return model.base_scores if chunked else model.base_scores(histories)

        model.affinity_report = reranker.fit(
            list(validation.histories),
            validation.targets,
            None if by_clicks else base_of(validation.histories),
            config,
            choices=choice_set,
            choice_base=base_of(choice_set.histories) if choice_set is not None else None,
        )
        model.affinity = reranker if model.affinity_report.used else None
        report = context.report
        report.stage_seconds = time.perf_counter() - started
        report.train_seconds += report.stage_seconds


@dataclass(frozen=True)
class ValidationTail:
    """``epochs`` more epochs at ``learning_rate`` on the training sequences with the validation items appended.

    The validation item is the user's most recent known behaviour; choosing the epoch needed it held
    out, learning from it does not (see ``SASRecConfig.validation_tail_epochs``).
    """

    epochs: int
    learning_rate: float

    def run(self, model: SASRec, context: StageContext) -> None:
        validation = context.validation
        if validation is None or not len(validation):
            return
        held = {
            user: (validation.targets[i], validation.target_times[i], _event_or_default(validation, i))
            for i, user in enumerate(validation.user_ids)
        }
        sequences = []
        for seq in context.dataset.sequences:
            if seq.user_id in held:
                item, moment, event = held[seq.user_id]
                seq = UserSequence(
                    seq.user_id,
                    np.append(seq.items, item),
                    np.append(seq.timestamps, moment),
                    np.append(seq.events, event),
                )
            sequences.append(seq)
        model.use_training_data(context.dataset.with_sequences(sequences))
        tail = context.trainer.train_extra_epochs(model, epochs=self.epochs, learning_rate=self.learning_rate)
        model.finish_training()
        report = context.report
        report.tail_epochs = tail.epochs
        report.epochs += tail.epochs
        report.losses += tail.losses
        report.train_seconds += tail.train_seconds


def _event_or_default(held_out: HeldOut, row: int) -> int:
    return int(held_out.target_events[row]) if held_out.target_events is not None else 1
