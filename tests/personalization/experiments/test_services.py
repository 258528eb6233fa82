"""Bad input is refused with a clear message: weights, overlaps, unknown configs, running changes."""

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from personalization.experiments.models import Experiment, Variant
from personalization.experiments.selectors import running_experiment_specs
from personalization.experiments.services import (
    experiment_pause,
    experiment_set_traffic,
    experiment_start,
    experiment_stop,
    variant_weights_update,
)

from .conftest import make_experiment


@pytest.mark.django_db
def test_weights_must_sum_to_100():
    experiment = make_experiment(start=False, variants=(
        ("grid", 50, True, {"layout": "grid"}), ("editorial", 40, False, {"layout": "editorial"}),
    ))  # fmt: skip
    with pytest.raises(ValidationError, match="must sum to 100"):
        experiment_start(experiment=experiment)


@pytest.mark.django_db
def test_one_running_experiment_per_surface(home_experiment):
    second = make_experiment(key="home-2", start=False)
    with pytest.raises(ValidationError, match="already running"):
        experiment_start(experiment=second)
    second.status = Experiment.Status.RUNNING
    with pytest.raises(ValidationError, match="already running"):
        second.full_clean()


@pytest.mark.django_db
def test_unknown_layout_is_refused():
    experiment = make_experiment(start=False, variants=(
        ("grid", 50, True, {"layout": "grid"}), ("carousel", 50, False, {"layout": "carousel"}),
    ))  # fmt: skip
    with pytest.raises(ValidationError, match="carousel"):
        experiment_start(experiment=experiment)
    with pytest.raises(ValidationError, match="layout"):
        experiment.variants.get(key="carousel").full_clean()


def test_weights_of_a_running_experiment_cannot_change(home_experiment):
    with pytest.raises(ValidationError, match="cannot change"):
        variant_weights_update(experiment=home_experiment, weights={"grid": 70, "editorial": 30})
    variant = home_experiment.variants.get(key="grid")
    variant.weight = 70
    with pytest.raises(ValidationError, match="cannot change"):
        variant.full_clean()
    experiment_pause(experiment=home_experiment)
    variant_weights_update(experiment=home_experiment, weights={"grid": 70, "editorial": 30})
    assert Variant.objects.get(pk=variant.pk).weight == 70


def test_lifecycle_updates_the_cached_running_list(home_experiment):
    assert [s.key for s in running_experiment_specs()] == ["home-layout"]
    experiment_set_traffic(experiment=home_experiment, traffic_percent=40)
    assert running_experiment_specs()[0].traffic_percent == 40
    experiment_pause(experiment=home_experiment)
    assert running_experiment_specs() == ()
    experiment_start(experiment=home_experiment)
    experiment_stop(experiment=home_experiment)
    assert home_experiment.ended_at is not None
    with pytest.raises(ValidationError, match="cannot restart"):
        experiment_start(experiment=home_experiment)


def test_admin_actions_and_frozen_fields(client, home_experiment, staff_user):
    staff_user.is_superuser = True
    staff_user.save(update_fields=["is_superuser"])
    client.force_login(staff_user)
    change = client.get(reverse("admin:experiments_experiment_change", args=[home_experiment.pk]))
    assert change.status_code == 200
    assert 'name="salt"' not in change.content.decode(), "the salt of a running experiment is read-only"
    url = reverse("admin:experiments_experiment_changelist")
    client.post(url, {"action": "pause", "_selected_action": [home_experiment.pk]})
    assert Experiment.objects.get(pk=home_experiment.pk).status == "paused"
    client.post(url, {"action": "start", "_selected_action": [home_experiment.pk]})
    assert Experiment.objects.get(pk=home_experiment.pk).status == "running"


def test_admin_refuses_weights_that_do_not_sum(client, staff_user):
    staff_user.is_superuser = True
    staff_user.save(update_fields=["is_superuser"])
    client.force_login(staff_user)
    data = {
        "key": "new-home", "name": "New home", "hypothesis": "", "surface": "home_layout", "traffic_percent": 100,
        "salt": "abc", "primary_metric": "conversion", "guardrail_metrics": "[]", "target_device": "any",
        "target_visitors": "any", "target_segment": "",
        "variants-TOTAL_FORMS": 2, "variants-INITIAL_FORMS": 0, "variants-MIN_NUM_FORMS": 0,
        "variants-MAX_NUM_FORMS": 1000,
        "variants-0-key": "grid", "variants-0-weight": 60, "variants-0-is_control": "on",
        "variants-0-config": '{"layout": "grid"}', "variants-0-position": 0,
        "variants-1-key": "editorial", "variants-1-weight": 60, "variants-1-config": '{"layout": "editorial"}',
        "variants-1-position": 1,
        "allocations-TOTAL_FORMS": 0, "allocations-INITIAL_FORMS": 0, "allocations-MIN_NUM_FORMS": 0,
        "allocations-MAX_NUM_FORMS": 1000,
    }  # fmt: skip
    response = client.post(reverse("admin:experiments_experiment_add"), data)
    assert response.status_code == 200
    assert "must sum to 100" in response.content.decode()
    assert not Experiment.objects.filter(key="new-home").exists()
