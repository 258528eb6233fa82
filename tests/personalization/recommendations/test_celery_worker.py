"""One training run through a real Celery worker process on the Redis broker (runs in CI)."""

import os
import subprocess
import sys
import time

import pytest
from django.conf import settings
from django.db import connection

from personalization.recommendations.models import ModelVersion

pytestmark = [
    pytest.mark.celery_worker,
    pytest.mark.skipif(not settings.REDIS_URL, reason="needs a Redis broker: set REDIS_URL"),
    pytest.mark.skipif(not settings.USING_POSTGRES, reason="the worker process needs a shared server database"),
]


@pytest.fixture
def training_worker(settings):
    env = {
        **os.environ,
        "DATABASE_URL": f"postgres://{connection.settings_dict['USER']}@{connection.settings_dict['HOST']}:"
        f"{connection.settings_dict['PORT']}/{connection.settings_dict['NAME']}",
        "MEDIA_ROOT": str(settings.MEDIA_ROOT),
        "CELERY_TASK_ALWAYS_EAGER": "0",
    }
    worker = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "celery",
            "-A",
            "celery_app",
            "worker",
            "-Q",
            "training",
            "--pool",
            "solo",
            "-n",
            f"test-training-{os.getpid()}@%h",
            "-l",
            "warning",
        ],
        env=env,
        cwd=settings.BASE_DIR,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    yield worker
    worker.terminate()
    try:
        worker.wait(timeout=20)
    except subprocess.TimeoutExpired:
        worker.kill()


@pytest.mark.django_db(transaction=True)
def test_a_real_worker_trains_and_registers_a_model(behaviour, training_worker):
    from celery_app import app
    from personalization.recommendations.tasks import train_recommender

    assert not app.conf.task_always_eager
    result = train_recommender.apply_async(kwargs={"kind": "sasrec", "epochs": 3}, queue="training")
    deadline = time.monotonic() + 180
    while not result.ready():
        if training_worker.poll() is not None:
            pytest.fail(f"the worker died:\n{training_worker.stdout.read()}")
        assert time.monotonic() < deadline, "the training task did not finish within 180 s"
        time.sleep(0.5)
    outcome = result.get(timeout=5)
    version = ModelVersion.objects.get(pk=outcome["version"])
    assert version.status == ModelVersion.Status.CHAMPION
    assert version.task_id == result.id
    assert version.progress["epoch"] == 3
    assert version.artifact.storage.exists(version.artifact.name)
