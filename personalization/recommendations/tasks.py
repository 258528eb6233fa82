"""Celery tasks of personalization: thin wrappers that take ids and call services."""

from __future__ import annotations

from celery import shared_task
from celery.exceptions import SoftTimeLimitExceeded

from personalization.recommendations.models import ModelVersion


# Task names are those of the module's old home, `personalization.tasks`: queued messages and the
# beat schedule (celery_app) name them.
@shared_task(
    name="personalization.tasks.train_recommender",
    bind=True,
    acks_late=True,
    reject_on_worker_lost=True,
    soft_time_limit=60 * 60,
    time_limit=60 * 60 + 120,
    max_retries=2,
    queue="training",
)
def train_recommender(
    self, kind: str = "sasrec", epochs: int | None = None, device: str | None = None, always_promote: bool = False
) -> dict:
    """Train one model kind on the `training` queue; its progress shows as task state and in the admin."""
    from personalization.recommendations.training import model_version_train

    def report(state: dict) -> None:
        if self.request.id and not self.request.is_eager:
            self.update_state(state="PROGRESS", meta=state)

    try:
        version = model_version_train(
            kind=kind,
            epochs=epochs,
            device=device,
            task_id=self.request.id or "",
            always_promote=always_promote,
            on_progress=report,
        )
    except SoftTimeLimitExceeded:
        ModelVersion.objects.filter(task_id=self.request.id, status=ModelVersion.Status.TRAINING).update(
            status=ModelVersion.Status.FAILED, error="Stopped at the time limit."
        )
        raise
    return {"version": version.pk, "status": version.status, "metrics": version.metrics, "decision": version.decision}


@shared_task(name="personalization.tasks.refresh_fast_models", acks_late=True)
def refresh_fast_models() -> list[int]:
    """Popularity and co-visitation are cheap: refresh them every few minutes from the newest events."""
    from personalization.recommendations.training import model_version_train
    from personalization.recsys.data import DataError

    versions = []
    for kind in (ModelVersion.Kind.POPULARITY, ModelVersion.Kind.COVISIT):
        try:
            versions.append(model_version_train(kind=kind, always_promote=True).pk)
        except DataError:
            break  # not enough behaviour yet; the next run will try again
    return versions


@shared_task(name="personalization.recommendations.tasks.refresh_complements", acks_late=True)
def refresh_complements() -> int:
    """Learn again what goes with what from orders and carts; returns the new ComplementGraph's id."""
    from personalization.recommendations.complements import complement_graph_build

    return complement_graph_build().pk
