"""Tracking health: events per minute, the buffer's depth, dead letters and the share of bot requests."""

import uuid
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from personalization.console.health import tracking_health_snapshot
from personalization.tracking import buffer, tally
from personalization.tracking.models import DeadLetterEvent, Event

from .conftest import staff_with

pytestmark = pytest.mark.django_db
BROWSER = "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0 Safari/537.36"
BOT = "Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)"


@pytest.fixture(params=["redis", "in-process"])
def tally_store(request, settings):
    """Both homes of the counts: the tracking Redis (under a prefix of this test's own) and the process."""
    if request.param == "redis":
        if not settings.TRACKING_REDIS_URL:
            pytest.skip("REDIS_URL is not set")
        settings.TRACKING_REDIS_PREFIX = f"test-{uuid.uuid4().hex[:12]}:tracking:"
        buffer.reset_clients()
        yield request.param
        client = buffer.client()
        keys = list(client.scan_iter(match=settings.TRACKING_REDIS_PREFIX + "*"))
        if keys:
            client.delete(*keys)
    else:
        settings.TRACKING_REDIS_URL = ""
        tally._local.clear()
        yield request.param
        tally._local.clear()


def _event(minutes_ago: int) -> Event:
    moment = timezone.now() - timedelta(minutes=minutes_ago)
    return Event(uuid=uuid.uuid4(), type="page_view", timestamp=moment, recorded_at=moment, visitor_id="v")


def test_events_are_counted_per_minute_of_the_last_hour(settings):
    settings.TRACKING_REDIS_URL = ""
    Event.objects.bulk_create([_event(0), _event(0), _event(3), _event(90)])
    health = tracking_health_snapshot()
    assert len(health.events_per_minute) == 60
    assert health.events_in_window == 3, "the event of 90 minutes ago is outside the hour"
    assert health.events_per_minute[-1] == 2 and health.events_per_minute[-4] == 1
    assert health.events_last_5_minutes_per_minute == pytest.approx(3 / 5)
    assert not health.window_truncated


def test_dead_letters_are_counted(settings):
    settings.TRACKING_REDIS_URL = ""
    DeadLetterEvent.objects.create(raw="{}", digest="a" * 64, reason="refused")
    DeadLetterEvent.objects.create(raw="{}", digest="b" * 64, reason="refused")
    health = tracking_health_snapshot()
    assert health.dead_letters == 2 and health.newest_dead_letter is not None


def test_without_redis_the_buffer_depth_says_events_go_straight_to_the_database(client, settings):
    settings.TRACKING_REDIS_URL = ""
    assert tracking_health_snapshot().buffer_depth is None
    client.force_login(staff_with("tracking.view_event"))
    html = client.get(reverse("console:tracking")).content.decode()
    assert "No Redis buffer configured" in html


def test_the_buffer_depth_is_what_waits_in_redis(tally_store, settings):
    if tally_store != "redis":
        pytest.skip("the buffer lives in Redis")
    buffer.client().rpush(buffer.key("buffer"), b"{}", b"{}", b"{}")
    assert tracking_health_snapshot().buffer_depth == 3


def test_bot_share_counts_the_requests_the_tracking_policy_refused_as_bots(client, tally_store):
    # given: three pages seen by a browser and one by a crawler
    for _ in range(3):
        client.get(reverse("shop:home"), HTTP_USER_AGENT=BROWSER)
    client.get(reverse("shop:home"), HTTP_USER_AGENT=BOT)

    # when: staff opens tracking health
    decisions = tally.decision_counts(now=timezone.now(), minutes=60)
    client.force_login(staff_with("tracking.view_event"))
    html = client.get(reverse("console:tracking"), HTTP_USER_AGENT=BROWSER).content.decode()

    # then: one bot in four requests
    assert decisions.by_reason == {"ok": 3, "bot": 1}
    assert decisions.bot_share == pytest.approx(0.25)
    assert "25.0%" in html and "1 of 4 requests" in html


def test_admin_and_static_requests_are_not_counted(client, tally_store):
    client.get("/admin/login/", HTTP_USER_AGENT=BOT)
    assert tally.decision_counts(now=timezone.now(), minutes=60).total == 0
