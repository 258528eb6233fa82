"""One WSGI app, three Django handlers, chosen per request by the X-Bench-Tracking header:

    (absent)  the site as configured: visitor identity and recording
    off       without TrackingMiddleware: the visitor id still exists (personalization needs it), nothing is recorded
    none      without either tracking middleware: no visitor id, so no personalized ranking either

Served by one gunicorn, so the benchmark compares the same server in the same run, request by request.
"""

import os

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

import django  # noqa: E402

django.setup()

from django.conf import settings  # noqa: E402
from django.core.handlers.wsgi import WSGIHandler  # noqa: E402
from django.test.utils import override_settings  # noqa: E402

RECORDING = "personalization.tracking.middleware.TrackingMiddleware"

handlers = {"": WSGIHandler()}
with override_settings(MIDDLEWARE=[m for m in settings.MIDDLEWARE if m != RECORDING]):
    handlers["off"] = WSGIHandler()
with override_settings(MIDDLEWARE=[m for m in settings.MIDDLEWARE if not m.startswith("personalization.tracking.")]):
    handlers["none"] = WSGIHandler()


def application(environ, start_response):
    return handlers[environ.get("HTTP_X_BENCH_TRACKING", "")](environ, start_response)
