import os
import uuid
from datetime import timedelta

import pytest
from django.utils import timezone

from personalization.tracking import buffer
from personalization.tracking.schema import TrackedEvent

REDIS_URL = os.environ.get("REDIS_URL", "")
BROWSER_UA = "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0 Safari/537.36"


@pytest.fixture(autouse=True)
def tracking_settings(request, settings):
    """Each test gets its own cache, and the database write path unless it is marked redis."""
    locmem = "django.core.cache.backends.locmem.LocMemCache"
    settings.CACHES = {"default": {"BACKEND": locmem, "LOCATION": uuid.uuid4().hex}}
    settings.PERSONALIZATION_REQUIRE_CONSENT = False
    settings.TRACKING_BOT_PAGE_VIEWS_PER_MINUTE = 120
    if request.node.get_closest_marker("redis") is None:
        settings.TRACKING_REDIS_URL = ""
        yield
        return
    if not REDIS_URL:
        pytest.skip("needs a real Redis: set REDIS_URL (CI sets redis://127.0.0.1:6379/0)")
    settings.TRACKING_REDIS_URL = REDIS_URL
    settings.TRACKING_REDIS_PREFIX = f"test-tracking:{uuid.uuid4().hex}:"
    yield
    settings.TRACKING_REDIS_URL = REDIS_URL
    r = buffer.client()
    keys = list(r.scan_iter(match=settings.TRACKING_REDIS_PREFIX + "*"))
    if keys:
        r.delete(*keys)
    buffer.reset_clients()


@pytest.fixture
def browser(client):
    """A test client that looks like a browser (no user agent reads as a bot)."""
    client.defaults["HTTP_USER_AGENT"] = BROWSER_UA
    return client


def tracked(*, type="page_view", visitor_id="v1", user_id=None, product_id=None, age=timedelta(0), **fields):
    now = timezone.now()
    return TrackedEvent(
        uuid=str(uuid.uuid4()),
        type=type,
        timestamp=now - age,
        recorded_at=now,
        visitor_id=visitor_id,
        user_id=user_id,
        product_id=product_id,
        **fields,
    )
