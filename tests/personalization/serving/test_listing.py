"""The personalized listing ranker (serving/listing.py): the site and the API log the lists they show."""

import json
import re
import uuid

import pytest
from django.test import Client
from rest_framework.test import APIClient

from personalization.serving.listing import PersonalizedListingRanker
from personalization.tracking.identity import sign_visitor_id
from personalization.tracking.models import Event
from personalization.tracking.services import events_flush
from shop.listing import listing_ranker

pytestmark = pytest.mark.django_db

APP = {"HTTP_USER_AGENT": "StoreApp/2.1 (iPhone; iOS 18)"}
BROWSER = "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 Chrome/120 Safari/537.36"


def impression(list_id: str) -> Event:
    events_flush()  # with REDIS_URL, events wait in the buffer
    return Event.objects.get(type="list_impression", context__list_id=list_id)


def test_the_shop_is_configured_with_the_personalized_ranker():
    assert isinstance(listing_ranker(), PersonalizedListingRanker)


def test_an_api_listing_is_logged_as_an_impression_and_a_click_on_it_is_attributed(catalog):
    # given the app of an anonymous shopper
    app = APIClient(HTTP_X_VISITOR_ID=sign_visitor_id("app-shopper"), **APP)

    # when it lists the second page of a personalized category listing, then a product of it is clicked
    response = app.get("/api/v1/products", {"ordering": "personalized", "page": 2, "page_size": 4})
    body = response.json()
    clicked = body["results"][1]
    click = {
        "uuid": str(uuid.uuid4()),
        "type": "list_click",
        "product": clicked["id"],
        "path": "app://category",
        "context": {"list_id": body["list_id"], "position": 6},
    }
    posted = app.post("/api/v1/events", json.dumps({"events": [click]}), content_type="application/json")

    # then the page shown is the impression, and the click names it
    assert response.status_code == 200 and posted.status_code == 202
    shown = impression(body["list_id"])
    assert shown.visitor_id == "app-shopper"
    assert shown.context["product_ids"] == [item["id"] for item in body["results"]]
    assert (shown.context["slot"], shown.context["offset"]) == ("category", 4)
    stored_click = Event.objects.get(type="list_click")
    assert stored_click.context["list_id"] == shown.context["list_id"]
    assert stored_click.product_id in shown.context["product_ids"]


def test_the_site_and_the_api_log_the_same_impression_of_the_same_listing(catalog):
    category_url = catalog["cameras"][0].category.get_absolute_url()
    html = Client(HTTP_USER_AGENT=BROWSER).get(category_url).text
    site_list_id = re.search(r'data-list-id="([^"]+)"', html).group(1)
    category_slug = catalog["cameras"][0].category.slug
    api_body = (
        APIClient(HTTP_X_VISITOR_ID=sign_visitor_id("app-shopper"), **APP)
        .get("/api/v1/products", {"ordering": "personalized", "category": category_slug})
        .json()
    )

    site, api = impression(site_list_id).context, impression(api_body["list_id"]).context

    assert site_list_id != api_body["list_id"]
    assert {key: site[key] for key in ("slot", "ranker", "product_ids", "offset")} == {
        key: api[key] for key in ("slot", "ranker", "product_ids", "offset")
    }


def test_a_listing_in_an_order_the_shopper_chose_logs_no_impression(catalog):
    app = APIClient(HTTP_X_VISITOR_ID=sign_visitor_id("app-shopper"), **APP)

    body = app.get("/api/v1/products", {"ordering": "price_asc"}).json()

    events_flush()
    assert body["list_id"] == "category"
    assert not Event.objects.filter(type="list_impression").exists()


def test_search_reranks_only_the_most_relevant_matches(catalog, rf, monkeypatch):
    # given a ranker that reverses whatever it is given, and searches re-ranked on their first three matches
    from personalization.serving import listing, ranking
    from shop.models import Product

    def reversing(rows, *, context, surface):
        return ranking.RankedList(products=tuple(row.pk for row in reversed(rows)), surface=surface)

    monkeypatch.setattr(ranking, "rank_listing", reversing)
    monkeypatch.setattr(listing, "SEARCH_RERANK_TOP", 3)
    products = Product.objects.order_by("pk")
    ids = list(products.values_list("pk", flat=True))

    # when a search and a category listing are ranked
    search = PersonalizedListingRanker().rank(request=rf.get("/search/"), products=products, surface="search")
    category = PersonalizedListingRanker().rank(request=rf.get("/c/x/"), products=products, surface="category")

    # then relevance keeps the rest of the search; a category is ranked whole
    assert search.products.ids == ids[:3][::-1] + ids[3:]
    assert category.products.ids == ids[::-1]
