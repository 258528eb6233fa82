"""The Celery app: queues `default` and `training`, and the beat schedule."""

import os

from celery import Celery
from celery.schedules import crontab
from kombu import Queue

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

app = Celery("store")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.conf.task_default_queue = "default"
app.conf.task_queues = (Queue("default"), Queue("training"))
app.conf.task_routes = {"personalization.tasks.train_recommender": {"queue": "training"}}
app.conf.beat_schedule = {
    "retrain-recommender-nightly": {
        "task": "personalization.tasks.train_recommender",
        "schedule": crontab(hour=3, minute=15),
        "kwargs": {"kind": "sasrec"},
        "options": {"queue": "training"},
    },
    "reallocate-bandit-experiments": {
        "task": "experiments.reallocate_bandits",
        "schedule": crontab(minute=5),
    },
    "refresh-popularity-and-covisitation": {
        "task": "personalization.tasks.refresh_fast_models",
        "schedule": 300.0,
    },
    # Drains the tracking buffer in Redis; `expires` keeps runs from piling up while no worker is there.
    "tracking-flush-events": {
        "task": "personalization.tracking.tasks.flush_events",
        "schedule": 5.0,
        "options": {"expires": 10},
    },
    "offers-train-uplift-model": {
        "task": "personalization.offers.tasks.train_uplift_model",
        "schedule": crontab(hour=4, minute=30),
        "options": {"queue": "training"},
    },
    "tracking-purge-expired-events": {
        "task": "personalization.tracking.tasks.purge_expired_events",
        "schedule": crontab(hour=3, minute=45),
    },
    # What goes with what (cart and bought-together rows), learned again from the day's orders and carts.
    "recommendations-refresh-complements": {
        "task": "personalization.recommendations.tasks.refresh_complements",
        "schedule": crontab(minute=20),
        "options": {"expires": 1800},
    },
    "ads-refresh-quality": {
        "task": "personalization.ads.tasks.refresh_ad_quality",
        "schedule": 600.0,
        "options": {"expires": 300},
    },
    # What each search query means, learned from the searches, clicks and carts of the last 90 days.
    "search-learn-intents": {
        "task": "personalization.search.learn_search_intents",
        "schedule": crontab(minute=20),
        "options": {"expires": 1800},
    },
    # How many products hold each search word: saves add words but leave known words' counts, and search
    # decides from them how to read a frequent word's matches (shop.search.services.search_words_recount).
    "search-recount-words": {
        "task": "shop.search_words_recount",
        "schedule": crontab(hour=2, minute=30),
        "options": {"expires": 3600},
    },
    "ads-end-finished-campaigns": {
        "task": "personalization.ads.tasks.end_finished_campaigns",
        "schedule": 300.0,
        "options": {"expires": 120},
    },
}
app.autodiscover_tasks()
