"""Train a recommender from the shop's own behaviour, register it, and promote it only if it wins.

A run that fails or is killed leaves its version marked failed (or still training, for a
killed worker) and never touches the champion that serves pages. The artifact that serves
is the one evaluated (fitted without each shopper's last two interactions), so when a
challenger meets the champion on a holdout, neither has seen it.
"""

from __future__ import annotations

import logging
import shlex
import time
import traceback
from collections.abc import Callable

from django.conf import settings
from django.core.files.base import ContentFile
from django.utils import timezone

from personalization.recommendations.models import ModelVersion
from personalization.recommendations.registry import (
    CorruptArtifact,
    artifact_checksum,
    champion,
    load_model,
    model_version_promote,
)
from personalization.recommendations.retrieval import model_version_index
from personalization.recommendations.training_data import (
    aggregated_interaction_rows,
    choice_rows,
    interaction_rows,
    item_features,
)
from personalization.recsys.data import DEFAULT_EVENT_WEIGHTS, RATED_EVENT_WEIGHTS, build_dataset
from personalization.recsys.distributed import train_with_torchrun
from personalization.recsys.evaluation import evaluate, evaluation_users
from personalization.recsys.pipeline import fit_and_evaluate, make_model, split_for_evaluation
from personalization.recsys.reindex import Reindexed
from personalization.tracking.aggregates import daily_aggregates_update

logger = logging.getLogger(__name__)
Status = ModelVersion.Status
PRIMARY_METRIC = "NDCG@10"

ProgressHook = Callable[[dict], None]


# The models refresh_fast_models retrains every five minutes read the daily aggregates, not the event table.
AGGREGATED_KINDS = frozenset({ModelVersion.Kind.POPULARITY, ModelVersion.Kind.COVISIT})


def _json_metrics(report: dict) -> dict:
    """The evaluation's figures (rounded) and per-segment metrics; the config is stored apart."""
    figures = {key: round(float(value), 6) for key, value in report.items() if isinstance(value, int | float)}
    return {**figures, "segments": report.get("segments", {})}


def model_version_train(
    *,
    kind: str = ModelVersion.Kind.SASREC,
    epochs: int | None = None,
    device: str | None = None,
    seed: int = 0,
    max_seconds: float | None = None,
    task_id: str = "",
    always_promote: bool = False,
    on_progress: ProgressHook | None = None,
) -> ModelVersion:
    """Snapshot, train, evaluate on the time holdout, store, and promote if it beats the champion.

    `always_promote` is for the frequent refresh of the cheap models (popularity, co-visitation),
    where newer data is the point; the comparison is still recorded.
    """
    if kind not in ModelVersion.Kind.values:
        raise ValueError(f"Unknown model kind {kind!r}; choose one of {', '.join(ModelVersion.Kind.values)}.")
    device = device or settings.RECSYS_DEVICE
    version = ModelVersion.objects.create(kind=kind, task_id=task_id, config={"device": device, "seed": seed})
    started = time.perf_counter()
    try:
        rated = settings.PERSONALIZATION_RATING_SIGNAL
        if kind in AGGREGATED_KINDS:
            # Refreshed every few minutes: from the daily aggregates, brought up to date with the new events only.
            daily_aggregates_update()
            rows = aggregated_interaction_rows(ratings=rated)
        else:
            rows = interaction_rows(ratings=rated)
        dataset = build_dataset(
            rows,
            item_features=item_features(),
            event_weights=RATED_EVENT_WEIGHTS if rated else DEFAULT_EVENT_WEIGHTS,
        )
        split = split_for_evaluation(dataset)  # a clear DataError when there is too little behaviour
        config = {
            "epochs": epochs or settings.RECSYS_EPOCHS,
            "seed": seed,
            "max_seconds": max_seconds or settings.RECSYS_MAX_TRAIN_SECONDS,
        }
        model, trainer = make_model(kind, config, device=device)

        def progress(epoch: int, loss: float, val: dict) -> None:
            state = {"epoch": epoch, "of": trainer.config.epochs, "loss": round(loss, 5)}
            if val:
                state["val_ndcg@10"] = round(float(val.get(PRIMARY_METRIC, 0.0)), 5)
            # Every epoch so far, [epoch, loss, validation NDCG@10 or None]: the console draws it as the training curve.
            curve = (version.progress or {}).get("curve", [])
            state["curve"] = [*curve, [epoch, state["loss"], state.get("val_ndcg@10")]]
            version.progress = state
            version.save(update_fields=["progress"])
            if on_progress:
                on_progress(state)

        choices = choice_rows() if kind == ModelVersion.Kind.SASREC else None
        if kind == ModelVersion.Kind.SASREC and settings.RECSYS_TRAIN_DEVICES > 1:
            # Data-parallel over the worker's devices (or nodes): torchrun's processes train, this one evaluates.
            model = train_with_torchrun(
                kind,
                config,
                split,
                devices=settings.RECSYS_TRAIN_DEVICES,
                choices=choices,
                progress=progress,
                torchrun_args=shlex.split(settings.RECSYS_TORCHRUN_ARGS),
            )
            report = fit_and_evaluate(model, split, trainer=trainer, choices=choices, fitted=True)
        else:
            report = fit_and_evaluate(model, split, trainer=trainer, progress=progress, choices=choices)
        version.device = report["device"]
        version.config = {**version.config, "model": report["config"], "trainer": report["trainer"]}
        if distributed := getattr(model, "distributed_report", None):
            version.config["torchrun"] = {"processes": distributed["world_size"], "args": settings.RECSYS_TORCHRUN_ARGS}
        version.metrics = _json_metrics(report)
        popularity = split.train.item_counts()
        version.snapshot = dataset.stats.as_dict()
        _compare_with_champion(
            version, kind=kind, test=split.test, item_index=dataset.item_index, popularity=popularity
        )
        blob = model.to_bytes()
        version.checksum = artifact_checksum(blob)
        version.artifact.save(f"{kind}-v{version.pk}.pt", ContentFile(blob), save=False)
        model_version_index(version=version, model=model)
        version.duration_seconds = round(time.perf_counter() - started, 3)
        version.finished_at = timezone.now()
        version.status = Status.CANDIDATE
        version.save()
    except Exception as error:
        version.status = Status.FAILED
        version.error = f"{error}\n\n{traceback.format_exc()}"[:20000]
        version.duration_seconds = round(time.perf_counter() - started, 3)
        version.finished_at = timezone.now()
        version.save(update_fields=["status", "error", "duration_seconds", "finished_at"])
        logger.warning("Training %s v%s failed: %s", kind, version.pk, error)
        raise
    if always_promote and not version.decision.startswith("Promoted"):
        version.decision = f"Promoted: scheduled refresh. {version.decision}"[:300]
        version.save(update_fields=["decision"])
    if version.decision.startswith("Promoted"):
        model_version_promote(version=version)
    return version


def _compare_with_champion(version: ModelVersion, *, kind, test, item_index, popularity) -> None:
    """Decide on the same holdout: the champion is scored over the challenger's catalog, for the same users."""
    current = champion(kind)
    score = version.metrics.get(PRIMARY_METRIC, 0.0)
    if current is None:
        version.decision = f"Promoted: no {kind} champion yet."
        return
    try:
        incumbent = Reindexed(load_model(current), item_index)
    except CorruptArtifact as error:
        version.decision = f"Promoted: the champion could not be loaded ({error})."
        return
    test = evaluation_users(test, len(item_index))  # the users the challenger's metrics cover
    version.champion_metrics = _json_metrics(evaluate(incumbent, test, item_popularity=popularity).metrics)
    best = version.champion_metrics.get(PRIMARY_METRIC, 0.0)
    margin = settings.RECSYS_PROMOTION_MARGIN
    if score > best * (1 + margin) or (best == 0 and score > 0):
        version.decision = f"Promoted: {PRIMARY_METRIC} {score:.4f} beats champion v{current.pk} ({best:.4f})."
    else:
        version.decision = (
            f"Kept champion v{current.pk}: {PRIMARY_METRIC} {score:.4f} vs {best:.4f} (needs +{margin:.0%})."
        )
