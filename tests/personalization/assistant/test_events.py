"""Each turn is an `assistant_turn` event (intent, constraints, list id); clicks on its cards are list clicks."""

import json
import uuid

import pytest
from rest_framework.test import APIClient

from personalization.recommendations.training_data import interaction_rows
from personalization.tracking.models import Event
from personalization.tracking.validation import validate_assistant_turn

pytestmark = pytest.mark.django_db
URL = "/api/v1/assistant/messages"
BROWSER_UA = "Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0"


@pytest.fixture(autouse=True)
def _events_written_directly(settings):
    settings.TRACKING_REDIS_URL = ""  # the database write path: the events are there when the response is


@pytest.fixture
def browser():
    return APIClient(HTTP_USER_AGENT=BROWSER_UA)


def test_a_product_turn_is_an_assistant_turn_event_with_its_constraints_and_list(catalogue, browser):
    # when
    reply = browser.post(URL, {"message": "Aurora running shoes under 100"}, format="json").json()["reply"]

    # then
    turn = Event.objects.get(type=Event.Type.ASSISTANT_TURN)
    assert (turn.context["intent"], turn.context["outcome"]) == ("search", "products"), turn.context
    assert turn.context["constraints"] == {"category": "shoes", "brands": ["aurora"], "price_max": "100.00"}
    assert turn.context["list_id"] == reply["list_id"] and turn.context["result_count"] == 1
    assert not Event.objects.filter(type=Event.Type.SEARCH).exists(), "a turn is no longer a search event"


def test_a_turn_without_products_is_recorded_with_its_outcome(catalogue, browser):
    browser.post(URL, {"message": "what is the meaning of life"}, format="json")

    turn = Event.objects.get(type=Event.Type.ASSISTANT_TURN)
    assert turn.context["outcome"] in {"clarify", "no_faq"} and turn.context["list_id"] == ""


def test_a_client_cannot_send_an_assistant_turn(browser):
    batch = [{"uuid": str(uuid.uuid4()), "type": "assistant_turn", "context": {"intent": "search"}}]

    response = browser.post("/api/v1/events", json.dumps({"events": batch}), content_type="application/json")

    assert response.status_code == 400
    assert "recorded by the server" in response.json()["error"]["fields"]["events"][0]["type"][0]
    assert not Event.objects.exists()


GOOD = {"intent": "search", "outcome": "products", "constraints": {"category": "shoes", "price_max": "100"}}


@pytest.mark.parametrize(
    "change, message",
    [
        ({"intent": ""}, "intent: required"),
        ({"outcome": None}, "outcome: required"),
        ({"intent": "x" * 31}, "intent: must be text"),
        ({"list_id": 7}, "list_id: must be text"),
        ({"result_count": -1}, "result_count"),
        ({"constraints": ["shoes"]}, "constraints: must be a JSON object"),
        ({"constraints": {"colour": "black"}}, "unknown keys colour"),
        ({"constraints": {"brands": "aurora"}}, "constraints.brands: must be a list of text"),
        ({"constraints": {"price_max": 100}}, "constraints.price_max"),
        ({"constraints": {"price_min": "cheap"}}, "constraints.price_min"),
        ({"constraints": {"attributes": {"colour": {"nested": 1}}}}, "constraints.attributes"),
        ({"secret": "x"}, "Unknown keys: secret"),
    ],
)
def test_a_malformed_assistant_turn_is_refused(change, message):
    with pytest.raises(ValueError) as refused:
        validate_assistant_turn({**GOOD, **change})

    assert any(message in line for line in refused.value.args[0]), refused.value.args[0]


def test_a_well_formed_assistant_turn_passes_unchanged():
    assert validate_assistant_turn(dict(GOOD)) == GOOD


def test_the_sequence_export_reads_clicks_on_assistant_cards_not_the_turn_itself(catalogue, browser):
    # given: a turn that showed a list, and a click on its first card as the tracking script sends it
    reply = browser.post(URL, {"message": "Aurora running shoes under 100"}, format="json").json()["reply"]
    clicked = reply["products"][0]["id"]
    click = {
        "uuid": str(uuid.uuid4()),
        "type": "list_click",
        "product": clicked,
        "context": {"list_id": reply["list_id"], "position": 1},
    }
    assert (
        browser.post("/api/v1/events", json.dumps({"events": [click]}), content_type="application/json").status_code
        == 202
    )

    # when
    rows = list(interaction_rows())

    # then: the click is a view of that product; the need itself names no product and adds no row
    assert [(product, kind) for _unit, product, _at, kind in rows] == [(clicked, "view")]
