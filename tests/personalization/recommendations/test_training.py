import pytest
from django.core.cache import cache

from personalization.recommendations.models import ModelVersion
from personalization.recommendations.registry import (
    CorruptArtifact,
    champion,
    champion_cache_key,
    load_model,
    model_version_promote,
    model_version_rollback,
)
from personalization.recommendations.tasks import train_recommender
from personalization.recommendations.training import model_version_train
from personalization.recsys.data import DataError

Status = ModelVersion.Status
pytestmark = pytest.mark.django_db


def test_too_little_behaviour_is_a_clear_failure_and_keeps_nothing_serving(catalog):
    with pytest.raises(DataError, match="too few interactions"):
        model_version_train(kind="popularity")
    version = ModelVersion.objects.get()
    assert version.status == Status.FAILED
    assert "too few interactions" in version.error
    assert champion("popularity") is None


def test_first_version_is_registered_with_metrics_and_promoted(behaviour, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        version = model_version_train(kind="popularity")
    assert version.status == Status.CHAMPION
    assert version.checksum and version.artifact.name.endswith(".pt")
    assert {"HR@10", "NDCG@10", "MRR", "Recall@20"} <= set(version.metrics)
    assert version.snapshot["users"] == 40
    assert version.decision.startswith("Promoted")
    assert cache.get(champion_cache_key("popularity")) == version.pk


def test_sasrec_learns_the_sequences_and_beats_popularity(behaviour):
    popularity = model_version_train(kind="popularity")
    sasrec = model_version_train(kind="sasrec", epochs=30)
    assert sasrec.device == "cpu"
    assert sasrec.progress["epoch"] >= 1
    # one point per epoch, [epoch, loss, validation NDCG@10]: the console's training curve
    assert [point[0] for point in sasrec.progress["curve"]] == list(range(1, sasrec.progress["epoch"] + 1))
    assert sasrec.metrics["MRR"] > popularity.metrics["MRR"] + 0.2, (sasrec.metrics, popularity.metrics)
    assert sasrec.metrics["NDCG@10"] > 0.6, sasrec.metrics
    # the affinity stage was tried on the 40 held-out next items (no list clicks were logged) and says so
    assert sasrec.metrics["affinity_used"] in (0.0, 1.0)
    assert 0 < sasrec.metrics["affinity_check_ndcg_base"] <= 1


def test_a_challenger_that_is_not_better_stays_a_candidate(behaviour):
    first = model_version_train(kind="popularity")
    second = model_version_train(kind="popularity")
    second.refresh_from_db()
    assert second.status == Status.CANDIDATE
    assert second.champion_metrics["NDCG@10"] == pytest.approx(first.metrics["NDCG@10"])
    assert second.decision.startswith("Kept champion")
    assert champion("popularity") == first


def test_scheduled_refresh_always_promotes(behaviour):
    first = model_version_train(kind="popularity")
    second = model_version_train(kind="popularity", always_promote=True)
    first.refresh_from_db()
    assert (first.status, second.status) == (Status.RETIRED, Status.CHAMPION)


def test_promote_and_roll_back(behaviour):
    first = model_version_train(kind="covisit")
    second = model_version_train(kind="covisit")
    model_version_promote(version=second)
    assert champion("covisit") == second
    restored = model_version_rollback(kind="covisit")
    assert restored == first
    second.refresh_from_db()
    assert second.status == Status.RETIRED
    with pytest.raises(ValueError, match="cannot serve"):
        model_version_promote(version=ModelVersion.objects.create(kind="covisit", status=Status.FAILED))


def test_a_corrupted_artifact_is_refused(behaviour):
    version = model_version_train(kind="popularity")
    with open(version.artifact.path, "r+b") as fh:
        fh.seek(40)
        fh.write(b"corrupt!")
    with pytest.raises(CorruptArtifact):
        load_model(version)


def test_the_task_runs_end_to_end_in_eager_mode(behaviour, celery_eager):
    result = train_recommender.delay(kind="covisit").get()
    assert result["status"] == Status.CHAMPION
    assert ModelVersion.objects.get(pk=result["version"]).kind == "covisit"


def test_a_worker_with_two_devices_trains_sasrec_through_torchrun(behaviour, celery_eager, settings):
    # given a training worker configured with two devices (two gloo processes on this CPU)
    settings.RECSYS_TRAIN_DEVICES = 2
    # when the task trains the sequence model
    result = train_recommender.delay(kind="sasrec", epochs=2).get()
    # then torchrun's processes trained it, and the version is evaluated and registered as usual
    version = ModelVersion.objects.get(pk=result["version"])
    assert version.config["torchrun"]["processes"] == 2
    assert version.status in (Status.CANDIDATE, Status.CHAMPION)
    assert version.metrics["epochs"] == 2
    assert version.progress["epoch"] == 2, "each epoch's progress reached the version"
    assert load_model(version).n_items > 0
