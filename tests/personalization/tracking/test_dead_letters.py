"""Events the database refuses are set aside as dead letters; the rest of their batch is stored."""

import json
import uuid

import pytest
from django.db import connection
from django.urls import reverse

from personalization.tracking import buffer, storage
from personalization.tracking.models import DeadLetterEvent, Event
from personalization.tracking.services import dead_letters_replay, events_flush, events_record
from tests.factories import make_user
from tests.personalization.tracking.conftest import tracked

pytestmark = pytest.mark.django_db

NOT_JSON = b'{"uuid": "4b9c'


def needs_postgres():
    if connection.vendor != "postgresql":
        pytest.skip("SQLite stores NUL characters; only PostgreSQL refuses them (DATABASE_URL)")


def with_nul_path() -> bytes:
    return tracked(path="/a\x00b").to_json().encode()


def stored_uuids() -> set[str]:
    return {str(u) for u in Event.objects.values_list("uuid", flat=True)}


def push_raw(*documents: bytes) -> None:
    buffer.client().rpush(buffer.key("buffer"), *documents)


@pytest.mark.redis
@pytest.mark.postgres
def test_a_nul_event_is_refused_by_the_api_and_one_already_buffered_becomes_a_dead_letter(browser):
    needs_postgres()
    # given: the API refuses an event with NUL, and accepts the normal ones
    refused = browser.post(
        "/api/v1/events",
        json.dumps({"events": [{"uuid": str(uuid.uuid4()), "type": "page_view", "path": "/\u0000"}]}),
        content_type="application/json",
    )
    assert refused.status_code == 400, refused.json()
    normal = [{"uuid": str(uuid.uuid4()), "type": "page_view", "path": f"/p/{n}"} for n in range(3)]
    accepted = browser.post("/api/v1/events", json.dumps({"events": normal}), content_type="application/json")
    assert accepted.status_code == 202
    # and a NUL event that reached the buffer some other way, between normal ones
    bad = with_nul_path()
    push_raw(bad)
    later = [tracked() for _ in range(2)]
    events_record(events=later)

    # when
    events_flush()

    # then
    assert stored_uuids() == {e["uuid"] for e in normal} | {e.uuid for e in later}
    letter = DeadLetterEvent.objects.get()
    assert letter.raw == bad.decode()
    assert "NUL" in letter.reason
    assert buffer.pending_length() == 0, "the flush must not block on the refused row"


@pytest.mark.redis
@pytest.mark.parametrize("size", [10, storage.COPY_THRESHOLD + 10], ids=["insert", "copy"])
@pytest.mark.parametrize("kind", ["not-json", "nul", "value-overflow"])
def test_the_flush_stores_the_batch_around_the_rows_the_database_refuses(size, kind):
    if kind != "not-json" or size >= storage.COPY_THRESHOLD:
        needs_postgres()
    bad = {
        "not-json": NOT_JSON,
        "nul": with_nul_path(),
        "value-overflow": tracked(type="purchase", value="1e20").to_json().encode(),
    }[kind]
    good = [tracked() for _ in range(size)]
    events_record(events=good[: size // 2])
    push_raw(bad)
    events_record(events=good[size // 2 :])

    events_flush()

    assert stored_uuids() == {e.uuid for e in good}
    assert list(DeadLetterEvent.objects.values_list("raw", flat=True)) == [bad.decode()]
    assert buffer.pending_length() == 0


@pytest.mark.redis
def test_a_flush_rerun_after_a_crash_records_each_dead_letter_once(monkeypatch):
    events_record(events=[tracked()])
    push_raw(NOT_JSON)
    monkeypatch.setattr(buffer, "acknowledge_batch", lambda: (_ for _ in ()).throw(RuntimeError("died")))
    with pytest.raises(RuntimeError):
        events_flush()
    monkeypatch.undo()

    events_flush()

    assert DeadLetterEvent.objects.count() == 1
    assert Event.objects.count() == 1


def test_without_redis_a_refused_event_does_not_cost_the_others():
    needs_postgres()
    good = [tracked(), tracked()]

    events_record(events=[good[0], tracked(context={"note": "\x00"}), good[1]])

    assert stored_uuids() == {e.uuid for e in good}
    assert DeadLetterEvent.objects.count() == 1


def test_replay_stores_a_corrected_dead_letter_exactly_once():
    # given: a document the flush refused, corrected by staff
    event = tracked()
    letter = DeadLetterEvent.objects.create(raw=NOT_JSON.decode(), digest="x" * 64, reason="not JSON")
    letter.raw = event.to_json()
    letter.save(update_fields=["raw"])
    twin = DeadLetterEvent.objects.create(raw=event.to_json(), digest="y" * 64, reason="refused twice")

    # when
    first = dead_letters_replay(dead_letters=DeadLetterEvent.objects.filter(pk=letter.pk))
    second = dead_letters_replay(dead_letters=DeadLetterEvent.objects.all())

    # then
    assert (first, second) == ((1, 0), (1, 0))
    assert list(Event.objects.values_list("uuid", flat=True)) == [uuid.UUID(event.uuid)]
    assert not DeadLetterEvent.objects.filter(pk__in=[letter.pk, twin.pk]).exists()


def test_replay_keeps_a_still_refused_dead_letter_with_the_new_reason():
    letter = DeadLetterEvent.objects.create(raw=NOT_JSON.decode(), digest="x" * 64, reason="old reason")

    assert dead_letters_replay(dead_letters=DeadLetterEvent.objects.all()) == (0, 1)

    letter.refresh_from_db()
    assert letter.reason.startswith("JSONDecodeError"), letter.reason
    assert Event.objects.count() == 0


@pytest.fixture
def staff_client(client):
    client.force_login(make_user(username="staff", is_staff=True, is_superuser=True))
    return client


def test_staff_see_the_dead_letters_with_their_reason_and_count(staff_client):
    DeadLetterEvent.objects.create(raw=NOT_JSON.decode(), digest="x" * 64, reason="Expecting value")

    page = staff_client.get(reverse("admin:tracking_deadletterevent_changelist"))

    assert page.status_code == 200
    assert b"Expecting value" in page.content
    assert page.context["cl"].result_count == 1


@pytest.mark.parametrize(
    "action,stored,left",
    [("replay_dead_letters", 1, 0), ("drop_dead_letters", 0, 0)],
    ids=["replay", "drop"],
)
def test_staff_replay_or_drop_dead_letters_from_the_admin(staff_client, action, stored, left):
    letter = DeadLetterEvent.objects.create(raw=tracked().to_json(), digest="x" * 64, reason="was refused")

    response = staff_client.post(
        reverse("admin:tracking_deadletterevent_changelist"),
        {"action": action, "_selected_action": [letter.pk]},
        follow=True,
    )

    assert response.status_code == 200
    assert Event.objects.count() == stored
    assert DeadLetterEvent.objects.count() == left


@pytest.mark.redis
def test_a_document_that_cannot_be_read_does_not_stop_a_shopper_exporting_or_deleting_their_data():
    # given: a shopper's event waiting in the buffer behind a document nobody can read
    from personalization.tracking.services import behaviour_data_delete, behaviour_data_export

    if not buffer.is_configured():
        pytest.skip("needs a real Redis buffer: set REDIS_URL")
    mine = tracked(visitor_id="v-export")
    push_raw(NOT_JSON, b'{"uuid": 1}', mine.to_json().encode())

    # when / then: the export has the shopper's event, the deletion removes it, the unreadable ones stay for the flush
    exported = behaviour_data_export(visitor_id="v-export")
    assert mine.uuid in json.dumps(exported, default=str)
    behaviour_data_delete(visitor_id="v-export")
    assert buffer.client().lrange(buffer.key("buffer"), 0, -1) == [NOT_JSON, b'{"uuid": 1}']
