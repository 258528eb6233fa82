"""Celery tasks of experiments: the periodic bandit re-allocation (beat: `experiments.reallocate_bandits`)."""

from __future__ import annotations

from celery import shared_task

from personalization.experiments.models import Experiment


@shared_task(name="experiments.reallocate_bandits")
def reallocate_bandits() -> int:
    from personalization.experiments.bandit import bandit_reallocate

    running = Experiment.objects.filter(status=Experiment.Status.RUNNING, bandit=True).prefetch_related("variants")
    for experiment in running:
        bandit_reallocate(experiment=experiment)
    return len(running)
