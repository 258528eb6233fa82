"""POST /api/v1/assistant/messages and the conversation read, as the mobile app and the panel use them."""

import pytest
from django.urls import reverse
from rest_framework.test import APIClient

from personalization.assistant.models import Conversation

pytestmark = pytest.mark.django_db
URL = "/api/v1/assistant/messages"


@pytest.fixture
def client():
    return APIClient()


def test_a_conversation_continues_by_its_id(catalogue, client):
    first = client.post(URL, {"message": "Aurora running shoes"}, format="json")
    assert first.status_code == 200, first.content
    conversation = first.json()["conversation"]
    second = client.post(URL, {"conversation": conversation, "message": "in black"}, format="json")
    body = second.json()
    assert body["conversation"] == conversation
    assert body["reply"]["constraints"] == {
        "category": "shoes",
        "brands": ["aurora"],
        "attributes": {"colour": "Black"},
    }
    assert [p["name"] for p in body["reply"]["products"]] == ["Aurora Tempo Running Shoes"]
    assert body["reply"]["list_id"]


def test_the_reply_speaks_the_language_asked_for(catalogue, client):
    body = client.post(URL, {"message": "你好", "language": "zh-hans"}, format="json").json()
    assert body["reply"]["intent"] == "smalltalk"
    assert "你好" in body["reply"]["text"] or "您好" in body["reply"]["text"]


@pytest.mark.parametrize(
    "payload",
    [
        {},
        {"message": ""},
        {"message": "x" * 501},
        {"message": "hi", "language": "fr"},
        {"message": "hi", "conversation": "nope"},
    ],
)
def test_bad_input_is_refused_and_changes_nothing(catalogue, client, payload):
    response = client.post(URL, payload, format="json")
    assert response.status_code == 400
    assert response.json()["error"]["code"]
    assert not Conversation.objects.exists()


def test_another_shoppers_conversation_is_not_found(catalogue, client):
    conversation = client.post(URL, {"message": "hello"}, format="json").json()["conversation"]
    stranger = APIClient()
    response = stranger.post(URL, {"conversation": conversation, "message": "hello"}, format="json")
    assert response.status_code == 404
    assert stranger.get(reverse("api-assistant-conversation", args=[conversation])).status_code == 404


def test_the_transcript_reads_messages_after_an_id(catalogue, client):
    conversation = client.post(URL, {"message": "hello"}, format="json").json()["conversation"]
    messages = client.get(reverse("api-assistant-conversation", args=[conversation])).json()["messages"]
    assert [m["author"] for m in messages] == ["shopper", "assistant"]
    after = client.get(reverse("api-assistant-conversation", args=[conversation]), {"after": messages[0]["id"]})
    assert [m["author"] for m in after.json()["messages"]] == ["assistant"]


def test_messages_are_rate_limited_per_visitor(catalogue, client, monkeypatch):
    from rest_framework.throttling import SimpleRateThrottle

    # DRF reads the rates into this class attribute once; monkeypatch puts the shipped ones back afterwards
    # (the rest of the run, the browser tests' live server included, must not keep "2/minute").
    rates = {**SimpleRateThrottle.THROTTLE_RATES, "assistant": "2/minute"}
    monkeypatch.setattr(SimpleRateThrottle, "THROTTLE_RATES", rates)
    codes = [client.post(URL, {"message": "hello"}, format="json").status_code for _ in range(3)]
    assert codes == [200, 200, 429]


def test_the_endpoint_is_in_the_openapi_schema(client):
    schema = client.get("/api/schema/", HTTP_ACCEPT="application/json").content.decode()
    assert "/api/v1/assistant/messages" in schema
    assert "/api/v1/assistant/conversations/{conversation}" in schema


def test_every_page_carries_the_panel_without_inline_script(catalogue, client):
    page = client.get("/").content.decode()
    assert "data-assistant" in page
    assert "js/assistant.js" in page
    assert "<script>" not in page
