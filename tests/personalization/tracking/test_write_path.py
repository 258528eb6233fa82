"""The write path: straight to the database without Redis, through the buffer and the flush with it."""

import time

import pytest
import redis
from django.urls import reverse

from personalization.tracking import buffer
from personalization.tracking.models import Event
from personalization.tracking.selectors import recent_events
from personalization.tracking.services import behaviour_data_delete, events_flush, events_record
from tests.personalization.tracking.conftest import REDIS_URL, tracked

pytestmark = pytest.mark.django_db

CLOSED_PORT = "redis://127.0.0.1:1/0"


def test_without_redis_events_are_stored_at_once(browser):
    browser.get(reverse("shop:home"))
    assert Event.objects.filter(type="page_view").count() == 1


def test_with_redis_down_the_page_renders_fast_and_the_event_is_stored(browser, settings, caplog):
    settings.TRACKING_REDIS_URL = CLOSED_PORT
    started = time.monotonic()

    response = browser.get(reverse("shop:home"))
    browser.get(reverse("shop:home"))

    assert response.status_code == 200
    assert time.monotonic() - started < 2
    assert Event.objects.filter(type="page_view").count() == 2
    assert "to the database" in caplog.text


def test_recent_events_without_redis_come_from_the_database():
    from datetime import timedelta

    events_record(events=[tracked(type="page_view", age=timedelta(minutes=1)), tracked(type="search")])
    events_record(events=[tracked(type="page_view", visitor_id="someone-else")])

    assert [e.type for e in recent_events(visitor_id="v1")] == ["search", "page_view"]
    assert [e.type for e in recent_events(visitor_id="v1", types={"page_view"})] == ["page_view"]


@pytest.mark.redis
def test_with_redis_the_request_only_buffers_and_the_flush_stores(browser):
    browser.get(reverse("shop:home"))
    assert Event.objects.count() == 0
    pending = buffer.pending_length()
    assert pending >= 1

    assert events_flush() == pending

    assert Event.objects.filter(type="page_view").count() == 1
    assert buffer.pending_length() == 0


@pytest.mark.redis
def test_recent_events_merge_buffer_and_database_newest_first_without_duplicates():
    from datetime import timedelta

    older = tracked(type="product_view", product_id=None, age=timedelta(minutes=5))
    events_record(events=[older])
    events_flush()  # stored, and still in the visitor's recent list
    newer = tracked(type="search", context={"query": "tripod"})
    events_record(events=[newer])  # buffered only

    recent = recent_events(visitor_id="v1")

    assert [e.uuid for e in recent] == [newer.uuid, older.uuid]
    assert [e.uuid for e in recent_events(visitor_id="v1", types={"search"})] == [newer.uuid]
    with pytest.raises(AttributeError):
        recent[0].type = "x"  # frozen


@pytest.mark.redis
def test_redis_stopped_mid_run_still_stores_every_event_once(settings):
    # given some events buffered while Redis is up
    before = [tracked() for _ in range(3)]
    events_record(events=before)
    # when Redis goes away, later events go straight to the database
    settings.TRACKING_REDIS_URL = CLOSED_PORT
    during = [tracked() for _ in range(2)]
    events_record(events=during)
    assert Event.objects.count() == 2
    # and when it is back, the flush stores the buffered ones
    settings.TRACKING_REDIS_URL = REDIS_URL
    events_flush()
    # then every event is stored exactly once
    uuids = sorted(str(u) for u in Event.objects.values_list("uuid", flat=True))
    assert uuids == sorted(e.uuid for e in before + during)


@pytest.mark.redis
def test_a_flush_that_fails_after_moving_the_batch_aside_loses_and_duplicates_nothing():
    events = [tracked() for _ in range(10)]
    events_record(events=events)

    def crash():
        raise RuntimeError("worker killed")

    with pytest.raises(RuntimeError):
        events_flush(fail_after_move=crash)
    assert Event.objects.count() == 0
    assert buffer.pending_length() == 10  # waiting in the processing list

    events_record(events=[events[0]])  # a client retry of one of them meanwhile
    events_flush()
    events_flush()

    assert Event.objects.count() == 10
    assert sorted(str(u) for u in Event.objects.values_list("uuid", flat=True)) == sorted(e.uuid for e in events)
    assert buffer.pending_length() == 0


@pytest.mark.redis
def test_a_flush_that_dies_after_the_commit_is_harmless_on_rerun(monkeypatch):
    events = [tracked() for _ in range(4)]
    events_record(events=events)
    monkeypatch.setattr(buffer, "acknowledge_batch", lambda: (_ for _ in ()).throw(RuntimeError("died")))
    with pytest.raises(RuntimeError):
        events_flush()
    monkeypatch.undo()

    events_flush()

    assert Event.objects.count() == 4


@pytest.mark.redis
def test_deleting_a_shoppers_data_empties_the_buffers_too(user):
    mine = [tracked(visitor_id="v1"), tracked(visitor_id="v2", user_id=user.pk)]
    theirs = tracked(visitor_id="v3")
    events_record(events=mine + [theirs])
    from personalization.tracking.models import VisitorLink

    VisitorLink.objects.create(user=user, visitor_id="v1")

    behaviour_data_delete(user=user)
    events_flush()

    assert list(Event.objects.values_list("visitor_id", flat=True)) == ["v3"]
    assert recent_events(user=user) == []


@pytest.mark.redis
@pytest.mark.parametrize("applied", [0, 1, 3, 7, None], ids=["none", "one-push", "buffer-only", "most", "reply-lost"])
def test_a_push_cut_off_mid_pipeline_falls_back_and_stores_every_event_once(monkeypatch, applied):
    # given: three events of two owners: 3 pushes, then 3 recent-list pushes, then trims and expiries
    events = [tracked(visitor_id="v1"), tracked(visitor_id="v2"), tracked(visitor_id="v1")]
    execute = redis.client.Pipeline.execute

    def cut_off(pipeline, raise_on_error=True):
        pipeline.command_stack = pipeline.command_stack[:applied]
        execute(pipeline)
        raise redis.ConnectionError("connection lost after some commands were applied")

    monkeypatch.setattr(redis.client.Pipeline, "execute", cut_off)

    # when
    events_record(events=events)
    monkeypatch.undo()
    buffer.reset_clients()  # Redis is back
    events_flush()

    # then
    assert sorted(str(u) for u in Event.objects.values_list("uuid", flat=True)) == sorted(e.uuid for e in events)
    assert buffer.pending_length() == 0


@pytest.mark.redis
def test_a_recent_list_redis_refuses_does_not_lose_the_event(settings):
    event = tracked(visitor_id="v1")
    buffer.client().set(buffer.key("recent:v:v1"), "not a list")

    events_record(events=[event])
    buffer.reset_clients()
    events_flush()

    assert [str(u) for u in Event.objects.values_list("uuid", flat=True)] == [event.uuid]
