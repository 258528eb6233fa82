"""Celery tasks of the offers app: thin wrappers around services."""

from __future__ import annotations

from celery import shared_task


@shared_task(bind=True, acks_late=True, queue="training", soft_time_limit=30 * 60, time_limit=30 * 60 + 60)
def train_uplift_model(self, outcome_days: int | None = None) -> dict:
    """Train on past exposures; a campaign without enough of them yet is not an error."""
    from personalization.offers.training import OUTCOME_DAYS, NotEnoughData, uplift_model_train

    try:
        model = uplift_model_train(outcome_days=outcome_days or OUTCOME_DAYS, task_id=self.request.id or "")
    except NotEnoughData as reason:
        return {"model": None, "reason": str(reason)}
    return {"model": model.pk, "metrics": model.metrics}
