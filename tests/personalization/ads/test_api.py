"""GET /api/v1/ads: sponsored products with click URLs for the mobile app."""

import json
import uuid

import pytest
from django.test import Client

from personalization.tracking.models import Event
from tests.personalization.ads.conftest import make_campaign

pytestmark = pytest.mark.django_db

APP = {"HTTP_USER_AGENT": "StoreApp/2.1 (iPhone; iOS 18)", "HTTP_X_VISITOR_ID": str(uuid.uuid4())}


@pytest.fixture
def app():
    return Client(**APP)


def test_search_slot_returns_sponsored_products_with_click_urls(app, store):
    # given
    item = store["shoe_items"][0]
    make_campaign(products=[item], keywords="running shoes")
    # when
    response = app.get("/api/v1/ads", {"slot": "search_top", "q": "running shoes"})
    # then
    assert response.status_code == 200
    body = response.json()
    assert body["slot"] == "search_top" and len(body["ads"]) == 1
    ad = body["ads"][0]
    assert ad["label"] == "Sponsored" and ad["position"] == 1
    assert ad["product"]["slug"] == item.slug and ad["product"]["in_stock"] is True
    assert ad["click_url"].startswith("http://testserver/ads/click/")
    assert "price" not in ad, "the advertiser's price stays private"
    assert Event.objects.filter(type="ad_impression", product=item).count() == 1


def test_click_url_from_the_api_charges_and_redirects(app, store):
    item = store["shoe_items"][0]
    campaign = make_campaign(products=[item], keywords="running")
    ad = app.get("/api/v1/ads", {"slot": "search_top", "q": "running"}).json()["ads"][0]
    response = app.get(ad["click_url"].removeprefix("http://testserver"))
    assert response.status_code == 302 and response["Location"] == item.get_absolute_url()
    campaign.refresh_from_db()
    assert campaign.spent_total > 0


def test_category_and_product_slots(app, store):
    cameras = store["camera_items"]
    make_campaign(products=cameras[:2], categories=[store["cameras"]])
    by_category = app.get("/api/v1/ads", {"slot": "category_top", "category": store["cameras"].slug}).json()
    by_product = app.get("/api/v1/ads", {"slot": "product_page", "product": cameras[0].slug}).json()
    assert len(by_category["ads"]) == 1, "one product per campaign"
    assert [ad["product"]["slug"] for ad in by_product["ads"]] == [cameras[1].slug]


def test_no_relevant_campaign_is_an_empty_list(app, store):
    assert app.get("/api/v1/ads", {"slot": "search_top", "q": "umbrella"}).json() == {"slot": "search_top", "ads": []}


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"slot": "sidebar"}, "slot"),
        ({"slot": "search_top"}, "q"),
        ({"slot": "category_top"}, "category"),
        ({"slot": "category_top", "category": "no-such-category"}, "category"),
        ({"slot": "product_page", "product": "no-such-product"}, "product"),
        ({"slot": "search_top", "q": "x", "limit": "0"}, "limit"),
    ],
)
def test_bad_input_answers_in_the_error_shape(app, store, params, field):
    response = app.get("/api/v1/ads", params)
    assert response.status_code == 400
    error = response.json()["error"]
    assert error["code"] == "invalid" and field in error["fields"]


def test_endpoint_is_documented(client):
    schema = json.loads(client.get("/api/schema/", {"format": "json"}).content)
    operation = schema["paths"]["/api/v1/ads"]["get"]
    assert operation["operationId"] == "ads_slot"
    assert {"slot", "q", "category", "product", "limit"} <= {p["name"] for p in operation["parameters"]}
    assert "400" in operation["responses"] and "200" in operation["responses"]


def test_click_url_opened_without_the_apps_visitor_header_is_not_charged(app, store):
    item = store["shoe_items"][0]
    campaign = make_campaign(products=[item], keywords="running")
    ad = app.get("/api/v1/ads", {"slot": "search_top", "q": "running"}).json()["ads"][0]
    response = Client(HTTP_USER_AGENT=APP["HTTP_USER_AGENT"]).get(ad["click_url"].removeprefix("http://testserver"))
    assert response.status_code == 302 and response["Location"] == item.get_absolute_url()
    campaign.refresh_from_db()
    assert campaign.spent_total == 0
