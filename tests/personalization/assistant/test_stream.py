"""POST /api/v1/assistant/messages as Server-Sent Events: the reply in chunks, then the whole turn; through the
whole middleware stack (tracking, CSP), documented in the schema."""

import json
from collections import Counter

import pytest
from rest_framework.test import APIClient

from personalization.assistant.api.streaming import chunks
from personalization.assistant.models import Conversation
from personalization.tracking.models import Event

pytestmark = pytest.mark.django_db
URL = "/api/v1/assistant/messages"
BROWSER_UA = "Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0"


@pytest.fixture
def client():
    return APIClient(HTTP_USER_AGENT=BROWSER_UA)


def events_of(response) -> list[tuple[str, dict]]:
    body = b"".join(response.streaming_content).decode()
    assert body.endswith("\n\n"), "every event is terminated"
    parsed = []
    for block in body.strip("\n").split("\n\n"):
        lines = dict(line.split(": ", 1) for line in block.split("\n"))
        parsed.append((lines["event"], json.loads(lines["data"])))
    return parsed


def test_a_streamed_turn_sends_the_reply_in_chunks_then_the_whole_turn(catalogue, client):
    # when
    response = client.post(URL, {"message": "running shoes under 100", "stream": True}, format="json")
    # then
    assert response.status_code == 200 and response.streaming
    assert response["Content-Type"] == "text/event-stream; charset=utf-8"
    assert response["Cache-Control"] == "no-cache"
    events = events_of(response)
    names = [name for name, _data in events]
    assert names[0] == "start" and names[-1] == "done" and set(names[1:-1]) == {"delta"}
    assert len(names) > 3, "the reply came in more than one piece"
    done = events[-1][1]
    assert events[0][1] == {"conversation": done["conversation"]}
    assert "".join(data["text"] for name, data in events if name == "delta") == done["reply"]["text"]
    assert {p["name"] for p in done["reply"]["products"]} == {
        "Aurora Tempo Running Shoes", "Stridewell V70 Running Shoes"
    }  # fmt: skip
    assert done["reply"]["list_id"] and done["reply"]["choices"]


def test_the_done_event_is_the_json_answers_body(catalogue, client):
    plain = client.post(URL, {"message": "hello"}, format="json").json()
    conversation = plain["conversation"]

    streamed = client.post(URL, {"message": "hello", "conversation": conversation, "stream": True}, format="json")

    done = events_of(streamed)[-1][1]
    assert set(done) == set(plain) and set(done["reply"]) == set(plain["reply"])
    assert done["conversation"] == conversation and done["reply"]["text"] == plain["reply"]["text"]


def test_accept_event_stream_asks_for_a_stream_too(catalogue, client):
    response = client.post(URL, {"message": "跑鞋"}, format="json", HTTP_ACCEPT="text/event-stream")

    events = events_of(response)
    assert events[-1][0] == "done"
    assert "".join(d["text"] for name, d in events if name == "delta") == events[-1][1]["reply"]["text"]


def test_an_error_keeps_its_status_and_comes_as_one_error_event(catalogue, client):
    response = client.post(URL, {"message": "", "stream": True}, format="json", HTTP_ACCEPT="text/event-stream")

    assert response.status_code == 400
    assert response["Content-Type"].startswith("text/event-stream")
    body = response.content.decode()
    assert body.startswith("event: error\ndata: ")
    assert json.loads(body.split("data: ", 1)[1])["error"]["fields"]["message"]
    assert not Conversation.objects.exists()


def test_a_streamed_turn_records_the_same_events_as_a_plain_one(catalogue, client, settings):
    settings.TRACKING_REDIS_URL = ""  # events written straight to the database, not to a buffer
    # given a plain turn's events
    client.post(URL, {"message": "Aurora running shoes"}, format="json")
    plain = Counter(Event.objects.values_list("type", flat=True))
    Event.objects.all().delete()
    # when the same turn is streamed (events are written after the body was sent)
    response = APIClient(HTTP_USER_AGENT=BROWSER_UA).post(
        URL, {"message": "Aurora running shoes", "stream": True}, format="json"
    )
    events_of(response)
    # then
    assert plain and Counter(Event.objects.values_list("type", flat=True)) == plain


def test_a_streamed_answer_keeps_the_security_headers(catalogue, client):
    plain = client.post(URL, {"message": "hello"}, format="json")
    streamed = client.post(URL, {"message": "hello", "stream": True}, format="json")

    for header in ("Content-Security-Policy", "X-Content-Type-Options"):
        assert streamed.get(header) == plain.get(header) and plain.get(header), header


@pytest.mark.parametrize(
    "text",
    [
        "Aurora Tempo Running Shoes at $89.99, rated 4.5/5.",
        "找到 2 件符合“鞋类，最高¥500.00”的商品，最适合您的是：",
        "一二三四五六七八九十一二三四五六七八九十",
        "",
    ],
)
def test_chunks_join_back_to_the_text(text):
    pieces = chunks(text)

    assert "".join(pieces) == text
    assert all(len(piece.strip()) <= 12 for piece in pieces)


def test_the_schema_documents_the_stream(db):
    from drf_spectacular.generators import SchemaGenerator

    schema = SchemaGenerator().get_schema(request=None, public=True)
    operation = schema["paths"]["/api/v1/assistant/messages"]["post"]

    assert set(operation["responses"]["200"]["content"]) == {"application/json", "text/event-stream"}
    request_fields = schema["components"]["schemas"]["MessageInputRequest"]["properties"]
    assert request_fields["stream"]["type"] == "boolean"
