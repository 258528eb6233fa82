"""Recommendations through the API, as the mobile app sees them."""

import uuid

import pytest
from rest_framework.test import APIClient

pytestmark = pytest.mark.django_db
# A client without a user agent is treated as a bot, and bots are not tracked.
APP = {"HTTP_USER_AGENT": "NorthwindApp/2.3 (iPhone; iOS 17.4)"}


def for_you(app: APIClient) -> dict:
    response = app.get("/api/v1/recommendations/for_you", {"k": 4})
    assert response.status_code == 200, response.content
    return response.json()


def test_a_new_app_shopper_gets_popular_products_with_reasons(store):
    body = for_you(APIClient(**APP))
    assert body["ranker"] == "popularity"
    assert len(body["results"]) == 4
    assert [item["position"] for item in body["results"]] == [1, 2, 3, 4]
    assert all(item["reason"].startswith("Popular in") for item in body["results"])


def test_app_journey_register_post_events_and_recommendations_change(store):
    # given a shopper who registers in the app
    app = APIClient(**APP)
    token = app.post(
        "/api/v1/auth/register",
        {"username": "mo", "email": "mo@example.com", "password": "amber-lighthouse-7"},
        format="json",
    ).json()["token"]
    app.credentials(HTTP_AUTHORIZATION=f"Token {token}")
    before = for_you(app)
    # when the app reports that they looked at three pairs of shoes
    events = [
        {"uuid": str(uuid.uuid4()), "type": "product_view", "product": shoe.pk, "path": f"/p/{shoe.slug}/"}
        for shoe in store["shoes"][:3]
    ]
    accepted = app.post("/api/v1/events", {"events": events}, format="json")
    assert accepted.status_code == 202, accepted.content
    after = for_you(app)
    # then the model's list changes and explains itself
    assert after["ranker"] == "sasrec"
    assert [i["id"] for i in after["results"]] != [i["id"] for i in before["results"]]
    assert after["results"][0]["id"] in {shoe.pk for shoe in store["shoes"][3:]}
    assert after["results"][0]["reason"] == f"Because you viewed {store['shoes'][2].name}"


def test_similar_needs_a_product_and_unknown_slots_are_404(store):
    app = APIClient(**APP)
    missing = app.get("/api/v1/recommendations/similar")
    assert missing.status_code == 400
    assert missing.json()["error"]["fields"]["product"]
    assert app.get("/api/v1/recommendations/nope").json()["error"]["code"] == "not_found"
    assert app.get("/api/v1/recommendations/similar", {"product": "no-such"}).status_code == 404
    assert app.get("/api/v1/recommendations/for_you", {"k": 0}).status_code == 400
    similar = app.get("/api/v1/recommendations/similar", {"product": store["cameras"][0].slug}).json()
    assert similar["results"] and all(item["category"]["name"] == "Cameras" for item in similar["results"])
