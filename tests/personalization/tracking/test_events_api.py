import json
import uuid
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone
from rest_framework.authtoken.models import Token

from personalization.tracking.identity import sign_visitor_id
from personalization.tracking.models import Event, VisitorLink

pytestmark = pytest.mark.django_db

URL = "/api/v1/events"


def event(**fields):
    return {"uuid": str(uuid.uuid4()), "type": "page_view", "path": "/", **fields}


def post(client, events, *, content_type="application/json", **headers):
    return client.post(URL, json.dumps({"events": events}), content_type=content_type, **headers)


def test_route_is_under_api_v1():
    assert reverse("tracking-api:events") == URL


def test_a_valid_batch_is_accepted_with_202_and_stored(browser, product):
    batch = [
        event(type="list_impression", product=product.pk, context={"list_id": "home:new", "position": 0}),
        event(type="list_click", product=product.pk, context={"list_id": "home:new", "position": 0}),
        event(type="dwell", product=product.pk, context={"seconds": 12.5}),
        event(type="scroll", context={"depth": 80}),
        event(type="search", context={"query": "camera", "result_count": 3}),
    ]

    response = post(browser, batch)

    assert response.status_code == 202, response.json()
    assert response.json() == {"accepted": 5, "discarded": 0, "reason": "ok"}
    assert Event.objects.count() == 5
    assert Event.objects.get(type="dwell").context == {"seconds": 12.5}


def test_sendbeacon_text_plain_bodies_are_accepted_without_csrf(product, client):
    from django.test import Client

    beacon = Client(enforce_csrf_checks=True, HTTP_USER_AGENT="Mozilla/5.0 Firefox/128.0")
    beacon.get("/")  # the page that loaded the script issued the visitor cookie

    response = post(beacon, [event()], content_type="text/plain;charset=UTF-8")

    assert response.status_code == 202
    assert Event.objects.filter(type="page_view", path="/").count() >= 1


def test_a_retried_batch_is_stored_once(browser):
    batch = [event(), event()]
    post(browser, batch)
    post(browser, batch)
    assert Event.objects.count() == 2


def test_client_timestamp_is_kept(browser):
    moment = timezone.now() - timedelta(hours=2)
    post(browser, [event(timestamp=moment.isoformat())])
    assert Event.objects.get().timestamp == moment


@pytest.mark.parametrize(
    "bad,field,message",
    [
        ({"type": "teleport"}, "type", "Unknown event type"),
        ({"type": "purchase"}, "type", "recorded by the server"),
        ({"type": "add_to_cart"}, "type", "recorded by the server"),
        ({"type": "ad_click"}, "type", "recorded by the server"),
        ({"uuid": "not-a-uuid"}, "uuid", "valid UUID"),
        ({"timestamp": "2999-01-01T00:00:00Z"}, "timestamp", "future"),
        ({"timestamp": "2001-01-01T00:00:00Z"}, "timestamp", "Older than"),
        ({"timestamp": "2025-01-01T00:00:00"}, "timestamp", "timezone"),
        ({"type": "product_view", "product": 999999}, "product", "No product with id 999999"),
        ({"type": "product_view", "product": 2**70}, "product", "No product with id"),
        ({"type": "product_view"}, "product", "Required"),
        ({"type": "list_click", "product": None, "context": {"list_id": "x"}}, "product", "Required"),
        ({"context": {"position": -1}}, "context", "position"),
        ({"context": {"nested": {"a": 1}}}, "context", "nothing nested"),
        ({"context": {"blob": "x" * 300}}, "context", "at most"),
        ({"type": {}}, "type", "Must be text"),
        ({"type": ["page_view"]}, "type", "Must be text"),
        ({"uuid": {}}, "uuid", "valid UUID"),
        ({"path": "/a\u0000b"}, "path", "NUL"),
        ({"referrer": "https://example.com/\u0000"}, "referrer", "NUL"),
        ({"path": "/\ud800"}, "path", "surrogate"),
        ({"context": {"variant": "a\u0000"}}, "context", "NUL"),
        ({"context": {"note": "\u0000"}}, "context", "NUL"),
        ({"context": {"k\u0000": 1}}, "context", "NUL"),
        ({"context": {"list_id": {}, "position": 0}, "type": "scroll"}, "context", "list_id"),
    ],
    ids=[
        "unknown-type",
        "purchase",
        "cart",
        "ad-click",
        "bad-uuid",
        "future",
        "too-old",
        "naive",
        "unknown-product",
        "huge-product-id",
        "missing-product",
        "null-product",
        "negative-position",
        "nested-context",
        "long-text",
        "type-object",
        "type-list",
        "uuid-object",
        "nul-path",
        "nul-referrer",
        "lone-surrogate",
        "nul-known-context",
        "nul-free-context",
        "nul-context-key",
        "context-object-value",
    ],
)
def test_one_bad_event_refuses_the_whole_batch_and_says_which(browser, bad, field, message):
    response = post(browser, [event(), event(**bad)])

    assert response.status_code == 400
    body = response.json()["error"]
    assert body["code"] == "invalid"
    per_event = body["fields"]["events"]
    assert per_event[0] == {}
    assert message in json.dumps(per_event[1][field]), per_event
    assert Event.objects.count() == 0


def test_every_bad_event_is_reported_in_one_answer(browser, product):
    response = post(browser, [event(type="purchase"), event(), event(type="product_view", product=424242)])
    per_event = response.json()["error"]["fields"]["events"]
    assert [sorted(errors) for errors in per_event] == [["type"], [], ["product"]]


def test_more_than_100_events_is_refused(browser):
    response = post(browser, [event() for _ in range(101)])
    assert response.status_code == 400
    assert "100" in json.dumps(response.json()["error"]["fields"]["events"])
    assert Event.objects.count() == 0


def test_an_empty_or_malformed_batch_is_refused(browser):
    assert post(browser, []).status_code == 400
    assert browser.post(URL, "{not json", content_type="application/json").status_code == 400
    assert browser.post(URL, json.dumps({"events": "x"}), content_type="application/json").status_code == 400


def test_a_body_over_64_kb_is_refused_with_413(browser):
    batch = [event(context={f"k{i}": "x" * 190 for i in range(19)}) for _ in range(20)]
    response = post(browser, batch)
    assert response.status_code == 413
    assert response.json()["error"]["code"] == "payload_too_large"
    assert Event.objects.count() == 0


def test_do_not_track_is_honoured_by_the_endpoint(browser):
    response = post(browser, [event()], HTTP_DNT="1")
    assert response.status_code == 202
    assert response.json() == {"accepted": 0, "discarded": 1, "reason": "dnt"}
    assert Event.objects.count() == 0


def test_the_app_is_identified_by_header_and_token(client, user):
    token = Token.objects.create(user=user)
    install_id = uuid.uuid4()

    response = post(
        client,
        [event(type="page_view", path="app://home")],
        HTTP_X_VISITOR_ID=str(install_id),
        HTTP_AUTHORIZATION=f"Token {token.key}",
        HTTP_USER_AGENT="StoreApp/2.1 (iOS 18)",
    )

    assert response.status_code == 202
    stored = Event.objects.get()
    assert (stored.user_id, stored.visitor_id) == (user.pk, "app-" + install_id.hex)
    assert VisitorLink.objects.filter(user=user, visitor_id="app-" + install_id.hex).exists()


def test_a_signed_header_value_is_the_same_visitor(client):
    post(client, [event()], HTTP_X_VISITOR_ID=sign_visitor_id("abc"), HTTP_USER_AGENT="StoreApp/2.1")
    assert Event.objects.get().visitor_id == "abc"


def test_signed_in_browser_events_are_attributed_to_the_user(browser, user):
    browser.force_login(user)
    post(browser, [event(type="scroll", context={"depth": 40})])
    assert Event.objects.get(type="scroll").user_id == user.pk


def test_the_endpoint_is_throttled_per_visitor(browser, monkeypatch):
    from rest_framework.throttling import SimpleRateThrottle

    rates = {**SimpleRateThrottle.THROTTLE_RATES, "events": "2/minute"}
    monkeypatch.setattr(SimpleRateThrottle, "THROTTLE_RATES", rates)

    codes = [post(browser, [event()]).status_code for _ in range(3)]

    assert codes == [202, 202, 429]


def test_the_schema_documents_the_endpoint():
    from drf_spectacular.generators import SchemaGenerator

    schema = SchemaGenerator().get_schema(request=None, public=True)
    operation = schema["paths"]["/api/v1/events"]["post"]
    assert "202" in operation["responses"] and "400" in operation["responses"]
    assert "/api/v1/me/data" in schema["paths"] and "/api/v1/me/personalization" in schema["paths"]


def test_the_documented_fields_are_the_validated_ones():
    from personalization.tracking.serializers import EventInputSerializer
    from personalization.tracking.validation import EVENT_FIELDS

    assert tuple(EventInputSerializer().fields) == EVENT_FIELDS


def test_an_event_that_is_not_an_object_is_reported(browser):
    response = browser.post(URL, json.dumps({"events": [event(), "page_view"]}), content_type="application/json")
    assert response.json()["error"]["fields"]["events"][1] == {"non_field_errors": ["Each event is a JSON object."]}


def test_undated_events_keep_their_batch_order(browser, product):
    from personalization.tracking.selectors import recent_events

    batch = [event(type="scroll", context={"depth": depth}) for depth in (10, 20, 30)]
    post(browser, batch)

    visitor_id = Event.objects.first().visitor_id
    depths = [e.context["depth"] for e in recent_events(visitor_id=visitor_id) if e.type == "scroll"]
    assert depths == [30, 20, 10]


@pytest.mark.parametrize("body", [b"\x00", b"{", b'{"events": [\xff]}'], ids=["nul-byte", "truncated", "not-utf8"])
def test_a_body_that_is_not_json_gets_the_documented_400(browser, body):
    from drf_spectacular.generators import SchemaGenerator
    from jsonschema import Draft202012Validator

    schema = SchemaGenerator().get_schema(request=None, public=True)
    documented = schema["paths"][URL]["post"]["responses"]["400"]["content"]["application/json"]["schema"]

    response = browser.post(URL, body, content_type="application/json")

    assert response.status_code == 400
    validator = Draft202012Validator({**documented, "components": schema["components"]})
    assert not list(validator.iter_errors(response.json())), response.json()
    assert response.json()["error"]["code"] == "parse_error"
