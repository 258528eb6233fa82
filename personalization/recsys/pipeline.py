"""One call from interaction rows to a trained, evaluated model: what the training task runs."""

from __future__ import annotations

import dataclasses
import time
from collections.abc import Hashable, Iterable, Mapping, Sequence
from typing import Any

import numpy as np

from personalization.recsys.choices import Choice
from personalization.recsys.data import (
    DEFAULT_EVENT_WEIGHTS,
    DataError,
    InteractionDataset,
    SnapshotStats,
    build_dataset,
)
from personalization.recsys.evaluation import (
    HeldOut,
    LeaveLastOutSplit,
    batch_users,
    evaluate,
    evaluation_users,
    global_time_split,
    leave_last_out,
)
from personalization.recsys.models import Recommender
from personalization.recsys.models.base import TorchRecommender
from personalization.recsys.models.covisitation import CoVisitation
from personalization.recsys.models.regression import ItemRegression
from personalization.recsys.trainer import ProgressCallback, Trainer, TrainerConfig

MODEL_NAMES = ("popularity", "recent_popularity", "covisit", "fbt", "ease", "sasrec_plain", "sasrec")
SPLITS = ("leave-last-out", "time")
MIN_INTERACTIONS = 10
MIN_EVALUATED_USERS = 2


def train_and_evaluate(
    interactions: Iterable[Sequence[Any] | Mapping[str, Any]],
    *,
    item_features: Mapping[Hashable, Mapping[str, Any]] | None = None,
    model_name: str = "sasrec",
    config: Mapping[str, Any] | None = None,
    device: str = "auto",
    progress: ProgressCallback | None = None,
    event_weights: Mapping[str, float] = DEFAULT_EVENT_WEIGHTS,
    refit: bool = False,
    choices: Iterable[Choice] | None = None,
) -> tuple[Recommender, dict[str, Any], SnapshotStats]:
    """Build the data set, split it leave-last-out, train ``model_name`` and evaluate it on the test targets.

    ``config`` mixes the model's config fields (e.g. ``hidden``, ``window``) with
    :class:`TrainerConfig` fields (e.g. ``epochs``, ``seed``); unknown keys raise ``ValueError``.
    With ``refit=True`` the returned model is retrained on ALL interactions (for the same
    number of epochs as the best validated one); the metrics still come from the held-out run.

    Returns ``(model, metrics, snapshot_stats)``; ``metrics`` holds HR@10, NDCG@10,
    Recall@20, MRR, coverage@10, avg_popularity@10, per-segment metrics, device, timing and
    the resolved configuration, all JSON-serialisable.
    """
    dataset = build_dataset(interactions, item_features=item_features, event_weights=event_weights)
    split = split_for_evaluation(dataset)
    model, trainer = make_model(model_name, config, device=device)
    choices = list(choices) if choices is not None else None
    metrics = fit_and_evaluate(model, split, trainer=trainer, progress=progress, choices=choices)
    if refit:
        evaluated = model
        model, trainer = make_model(model_name, config, device=device)
        if isinstance(model, TorchRecommender):
            trainer.config.epochs = max(1, int(metrics["best_epoch"]))
            model.fit(dataset, trainer=trainer)
        else:
            model.fit(dataset)
        stage = getattr(evaluated, "affinity", None)
        if stage is not None:
            # The second stage's weights need held-out data to be fitted: the evaluated ones carry
            # over; its co-visitation and regression tables are counted again over all the interactions.
            if stage.transitions is not None:
                stage.transitions = CoVisitation().fit(dataset)
            if stage.regression is not None:
                stage.regression = ItemRegression().fit(dataset).or_none()
            model.affinity = stage
    return model, metrics, dataset.stats


def split_for_evaluation(dataset: InteractionDataset, *, kind: str = "leave-last-out") -> LeaveLastOutSplit:
    """Leave-last-out or global time split (``kind="time"``, see ``evaluation.global_time_split``);
    raises :class:`DataError` when there is too little data to evaluate."""
    if kind not in SPLITS:
        raise DataError(f"unknown split {kind!r}; choose one of {', '.join(SPLITS)}")
    if dataset.stats.interactions < MIN_INTERACTIONS:
        raise DataError(
            f"too few interactions: {dataset.stats.interactions} usable, at least {MIN_INTERACTIONS} needed"
            f" (dropped: {dict(dataset.stats.dropped) or 'none'})"
        )
    if kind == "time":
        split = global_time_split(dataset)
        if len(split.test) < MIN_EVALUATED_USERS or len(split.validation) < MIN_EVALUATED_USERS:
            raise DataError(
                f"too few users on both sides of the time cut: {len(split.test)} active after it with a history"
                f" before it, {len(split.validation)} with 3 or more interactions before it;"
                f" at least {MIN_EVALUATED_USERS} of each required"
            )
        return split
    split = leave_last_out(dataset)
    if len(split.test) < MIN_EVALUATED_USERS:
        raise DataError(
            f"too few interactions per user: {len(split.test)} user(s) have the 3 or more interactions"
            f" that leave-last-out needs, at least {MIN_EVALUATED_USERS} required"
        )
    return split


def make_model(
    model_name: str, config: Mapping[str, Any] | None = None, *, device: str = "auto"
) -> tuple[Recommender, Trainer]:
    """A fresh model and trainer; ``config`` keys go to whichever of the two configs has them."""
    if model_name not in Recommender.registry:
        raise ValueError(f"unknown model {model_name!r}; choose one of {', '.join(MODEL_NAMES)}")
    cls = Recommender.registry[model_name]
    model_fields = {f.name for f in dataclasses.fields(cls.Config)}
    trainer_fields = {f.name for f in dataclasses.fields(TrainerConfig)}
    config = dict(config or {})
    unknown = set(config) - model_fields - trainer_fields
    if unknown:
        raise ValueError(f"unknown config key(s) for {model_name}: {', '.join(sorted(unknown))}")
    model = cls(cls.Config(**{k: v for k, v in config.items() if k in model_fields}))
    trainer_config = TrainerConfig(**{k: v for k, v in config.items() if k in trainer_fields})
    trainer_config.device = device
    return model, Trainer(trainer_config)


def fit_and_evaluate(
    model: Recommender,
    split: LeaveLastOutSplit,
    *,
    trainer: Trainer | None = None,
    progress: ProgressCallback | None = None,
    choices: Iterable[Choice] | None = None,
    exclude_history: bool = True,
    fitted: bool = False,
) -> dict[str, Any]:
    """Fit on ``split.train`` (torch models validate on ``split.validation``), evaluate on ``split.test``.

    ``choices`` (logged clicks among the cards of a list) go to models that learn from them.
    ``exclude_history=False`` ranks the user's past items too (see ``evaluation``).
    ``fitted=True``: a torch model already trained on ``split.train`` elsewhere (``distributed.py``),
    with its ``training_report``; it is only evaluated.

    Above ``evaluation.SAMPLE_USERS_ABOVE_ITEMS`` items the test users are a fixed sample
    (``evaluation_users``), each still ranked against the whole catalogue: ``users`` is how many were
    evaluated, ``held_out_users`` how many there were.
    """
    started = time.perf_counter()
    if isinstance(model, TorchRecommender):
        extra = {"choices": choices} if choices is not None else {}
        if not fitted:
            model.fit(split.train, validation=split.validation, trainer=trainer, progress=progress, **extra)
        report = model.training_report
        device, epochs, best_epoch = report.device, report.epochs, report.best_epoch
        # The trainer's clock starts after torch's one-off lazy imports (seconds on a cold process).
        train_seconds = report.train_seconds
    else:
        model.fit(split.train)
        device, epochs, best_epoch = "cpu", 1, 1
        train_seconds = time.perf_counter() - started
    content = split.train.content
    test = evaluation_users(split.test, split.train.n_items)
    result = evaluate(
        model,
        test,
        item_popularity=split.train.item_counts(),
        item_brand=content.brand if content is not None and content.n_brands else None,
        exclude_history=exclude_history,
    )
    return {
        **result.metrics,
        "held_out_users": len(split.test),
        "segments": result.segments,
        "brand_exposure": {str(brand): share for brand, share in result.brand_exposure.items()},
        "model": model.name,
        "device": device,
        "epochs": epochs,
        "best_epoch": best_epoch,
        "train_seconds": train_seconds,
        "seconds_per_epoch": train_seconds / epochs if isinstance(model, TorchRecommender) else None,
        "score_ms_per_user": score_ms_per_user(model, test),
        "serve_ms_one_visitor": serve_ms_one_visitor(model, test),
        "config": dataclasses.asdict(model.config),
        "trainer": dataclasses.asdict(trainer.config) if trainer and isinstance(model, TorchRecommender) else None,
        **(report.as_metrics() if (report := getattr(model, "affinity_report", None)) else {}),
        **_validation_figures(model),
    }


def _validation_figures(model: Recommender) -> dict[str, Any]:
    """The kept weights' validation NDCG@10 and, where checkpoints were averaged, the average's."""
    report = getattr(model, "training_report", None)
    if report is None or not report.best_metrics:
        return {}
    figures = {
        "validation_NDCG@10": report.best_metrics.get("NDCG@10"),
        "averaged_checkpoints": report.averaged_checkpoints,
    }
    if report.averaged_metrics:
        figures["averaged_validation_NDCG@10"] = report.averaged_metrics.get("NDCG@10")
    return figures


def score_ms_per_user(model: Recommender, held_out: HeldOut, *, batch_size: int = 256, max_users: int = 256) -> float:
    """Milliseconds per user to score the full catalog, in batches as an offline job would, timed on the first
    ``max_users`` users (a timing: it need not score all of them again after the evaluation did)."""
    histories = held_out.histories[:max_users]
    if not histories:
        return 0.0
    batch_size = batch_users(model.n_items, batch_size)
    started = time.perf_counter()
    for start in range(0, len(histories), batch_size):
        model.score(histories[start : start + batch_size])
    return (time.perf_counter() - started) * 1000.0 / len(histories)


def serve_ms_one_visitor(model: Recommender, held_out: HeldOut, *, repeats: int = 50) -> float:
    """Median milliseconds to score every catalog item for ONE visitor, as a page request would."""
    if not len(held_out):
        return 0.0
    candidates = np.arange(1, model.n_items + 1)
    timings = []
    for i in range(repeats):
        history = held_out.histories[i % len(held_out)]
        started = time.perf_counter()
        model.score_items([history], candidates)
        timings.append(time.perf_counter() - started)
    return float(np.median(timings) * 1000.0)
