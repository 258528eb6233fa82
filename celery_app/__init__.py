"""The Celery app: queues `default` and `training`, and the beat schedule."""

import os

from celery import Celery
from kombu import Queue

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

app = Celery("store")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.conf.task_default_queue = "default"
app.conf.task_queues = (Queue("default"), Queue("training"))
app.conf.task_routes = {"personalization.tasks.train_recommender": {"queue": "training"}}
app.conf.beat_schedule = {}
app.autodiscover_tasks()
