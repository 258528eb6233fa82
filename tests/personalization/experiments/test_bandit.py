"""The bandit shifts new traffic towards the better variant and keeps exposed units where they are."""

import pytest
from django.utils import timezone

from personalization.experiments.bandit import chance_best, weights_from_chances
from personalization.experiments.models import Allocation, Exposure
from personalization.experiments.tasks import reallocate_bandits
from personalization.tracking.models import Event

from .conftest import make_experiment


def test_chance_best_prefers_the_better_arm():
    chances = chance_best([30, 60], [1000, 1000])
    assert chances[1] > 0.99 and sum(chances) == pytest.approx(1.0)
    assert chance_best([50, 50], [1000, 1000]) == pytest.approx([0.5, 0.5], abs=0.02)


def test_weights_sum_to_100_with_a_floor():
    assert weights_from_chances([0.0, 1.0]) == [5, 95]
    assert sum(weights_from_chances([0.333, 0.333, 0.334])) == 100
    assert min(weights_from_chances([0.01, 0.01, 0.98])) >= 5


@pytest.mark.django_db
def test_reallocation_records_history_and_moves_weights():
    import uuid

    experiment = make_experiment(bandit=True)
    control, treatment = experiment.variants.all()
    now = timezone.now()
    exposures, events = [], []
    for n in range(400):
        variant = control if n % 2 else treatment
        exposures.append(Exposure(experiment=experiment, variant=variant, unit_id=f"v:b{n}", unit_type="visitor",
                                  visitor_id=f"b{n}", exposed_at=now))  # fmt: skip
        if (variant == treatment and n % 4 == 0) or (variant == control and n % 20 == 1):
            events.append(Event(uuid=uuid.uuid4(), type="purchase", timestamp=now, recorded_at=now,
                                visitor_id=f"b{n}", value=10))  # fmt: skip
    Exposure.objects.bulk_create(exposures)
    Event.objects.bulk_create(events)
    assert reallocate_bandits() == 1
    allocation = Allocation.objects.get()
    assert allocation.weights["editorial"] > 90 and sum(allocation.weights.values()) == 100
    assert experiment.variants.get(key="editorial").weight == allocation.weights["editorial"]
