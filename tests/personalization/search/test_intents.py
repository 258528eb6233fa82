"""Search intents learned from the shop's own searches, clicks and carts, with the catalogue as the prior."""

from __future__ import annotations

import json
import uuid
from datetime import UTC, datetime, timedelta

import pytest
from django.test import Client
from django.urls import reverse

from celery_app import app as celery_app
from personalization.search.intents import (
    ADD_TO_CART_VOTE,
    ATTRIBUTION_WINDOW,
    CLICK_VOTE,
    PRIOR_VOTES,
    TrackedAction,
    query_votes,
    smoothed_intent,
)
from personalization.search.tasks import learn_search_intents
from personalization.tracking.tasks import flush_events
from shop.search.models import SearchIntent
from shop.search.selectors import product_search_results, query_plan
from shop.search.vocabulary import vocabulary_forget
from shop.selectors import product_list
from tests.factories import make_brand, make_category, make_product

BROWSER_UA = "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0 Safari/537.36"
T0 = datetime(2026, 12, 1, 12, 0, tzinfo=UTC)


@pytest.fixture(autouse=True)
def fresh_vocabulary(settings):
    settings.PERSONALIZATION_REQUIRE_CONSENT = False
    vocabulary_forget()
    yield
    vocabulary_forget()


@pytest.fixture
def shelves(db):
    cameras = make_category(name="Cameras", slug="cameras")
    bags = make_category(name="Bags", slug="bags")
    optivue = make_brand(name="Optivue")
    products = {
        "compact": make_product(name="Optivue Compact Camera", category=cameras, brand=optivue),
        "mirrorless": make_product(name="Optivue Mirrorless Camera", category=cameras, brand=optivue),
        "trail": make_product(name="Trail Camera Bag 20L", category=bags, description="Room for camera gear."),
        "tote": make_product(name="Canvas Tote Bag", category=bags, description="For camera gear."),
    }
    return {"cameras": cameras, "bags": bags, **products}


def top_names(query: str, count: int = 2) -> list[str]:
    results = product_search_results(query=query, products=product_list(), sort_by_relevance=True)
    return list(results.products.values_list("name", flat=True)[:count])


def shopper_searches_and_picks(query: str, product, *, add_to_cart: bool = False) -> None:
    """A shopper's real visit: the search page, a click on one result (the tracking script's event), the cart."""
    browser = Client(HTTP_USER_AGENT=BROWSER_UA)
    response = browser.get(reverse("shop:search"), {"q": query})
    assert response.status_code == 200
    click = {
        "uuid": str(uuid.uuid4()),
        "type": "list_click",
        "product": product.pk,
        "path": "/search/",
        "context": {"list_id": response.context["list_id"], "position": 0},
    }
    accepted = browser.post("/api/v1/events", json.dumps({"events": [click]}), content_type="application/json")
    assert accepted.status_code == 202, accepted.content
    if add_to_cart:
        browser.post(reverse("shop:cart_add"), {"product_id": product.pk, "quantity": 1})


# Committed transactions: the cart's event is recorded once the cart's transaction commits.
@pytest.mark.django_db(transaction=True)
def test_shoppers_clicks_and_carts_change_what_a_query_means(shelves, celery_eager):
    # given: "camera" names the cameras by the catalogue's words
    assert set(top_names("camera")) == {"Optivue Compact Camera", "Optivue Mirrorless Camera"}
    # when: three shoppers who searched "camera" picked the camera bag and put it in their cart
    for _ in range(3):
        shopper_searches_and_picks("camera", shelves["trail"], add_to_cart=True)
    flush_events.delay()
    learn_search_intents.delay()
    vocabulary_forget()
    # then: bags now lead "camera", the bag named a camera bag first
    learned = dict(SearchIntent.objects.filter(query="camera").values_list("category__slug", "weight"))
    assert learned["bags"] > learned["cameras"], learned
    assert top_names("camera", 1) == ["Trail Camera Bag 20L"]


def test_a_typo_uses_the_intent_learned_for_its_correction(shelves, celery_eager):
    # given: six shoppers who searched "camera" clicked a bag: six votes against the prior's five
    for _ in range(6):
        shopper_searches_and_picks("camera", shelves["tote"])
    flush_events.delay()
    learn_search_intents.delay()
    vocabulary_forget()
    # then: "camra" is searched as "camera", with what shoppers taught it (no row of its own)
    assert SearchIntent.objects.filter(query="camra").count() == 0
    typo, corrected = query_plan(query="camra"), query_plan(query="camera")
    assert typo.corrected_query == "camera"
    assert typo.intent == corrected.intent
    assert typo.intent[shelves["bags"].pk] > typo.intent[shelves["cameras"].pk], typo.intent


def test_a_few_clicks_leave_the_catalogues_meaning_in_front(shelves, celery_eager):
    # given: one shopper searched "camera" and clicked a bag, without buying
    shopper_searches_and_picks("camera", shelves["tote"], add_to_cart=False)
    flush_events.delay()
    # when
    learn_search_intents.delay()
    vocabulary_forget()
    # then: one click against the prior's five votes: cameras still lead
    learned = dict(SearchIntent.objects.filter(query="camera").values_list("category__slug", "weight"))
    assert learned["cameras"] > learned["bags"] > 0, learned
    assert set(top_names("camera")) == {"Optivue Compact Camera", "Optivue Mirrorless Camera"}


def action(type: str, minutes: float, *, unit="v1", product=None, query="", list_id="") -> TrackedAction:
    return TrackedAction(
        unit=unit,
        type=type,
        timestamp=T0 + timedelta(minutes=minutes),
        product_id=product,
        query=query,
        list_id=list_id,
    )


CATEGORY_OF = {1: 10, 2: 20}.get


def test_a_click_votes_for_its_category_and_its_add_to_cart_votes_again():
    actions = [
        action("search", 0, query="camera", list_id="L1"),
        action("list_click", 1, product=2, list_id="L1"),
        action("add_to_cart", 2, product=2),
    ]
    assert query_votes(actions, category_of=CATEGORY_OF) == {"camera": {20: CLICK_VOTE + ADD_TO_CART_VOTE}}


def test_clicks_on_another_list_another_shoppers_list_or_too_late_do_not_vote():
    late = ATTRIBUTION_WINDOW.total_seconds() / 60 + 1
    actions = [
        action("search", 0, query="camera", list_id="L1"),
        action("list_click", 1, product=1, list_id="home"),  # a recommendation list, not the search
        action("list_click", late, product=1, list_id="L1"),  # long after the search
        action("add_to_cart", 2, product=2),  # never clicked from the search
        action("list_click", 1, unit="v2", product=1, list_id="L1"),  # v2 never searched
    ]
    assert query_votes(actions, category_of=CATEGORY_OF) == {}


def test_the_same_product_clicked_twice_from_one_search_votes_once():
    actions = [
        action("search", 0, query="camera", list_id="search"),
        action("list_click", 1, product=1, list_id="search"),
        action("list_click", 2, product=1, list_id="search"),
        # a shared list id ("search", the catalogue ranker's) belongs to the shopper's latest search
        action("search", 3, query="bag", list_id="search"),
        action("list_click", 4, product=2, list_id="search"),
    ]
    assert query_votes(actions, category_of=CATEGORY_OF) == {"camera": {10: CLICK_VOTE}, "bag": {20: CLICK_VOTE}}


def test_the_prior_counts_as_prior_votes_against_the_clicks():
    # given: the catalogue says 10 (weight 1); shoppers gave 20 fifteen votes
    learned = smoothed_intent({20: 15.0}, {10: 1.0})
    # then: 10 keeps its five votes out of twenty
    assert learned == pytest.approx({10: PRIOR_VOTES / 20, 20: 15 / 20})


def test_without_clicks_the_learned_intent_is_the_prior():
    assert smoothed_intent({}, {10: 3.0, 20: 1.0}) == pytest.approx({10: 0.75, 20: 0.25})


def test_beat_runs_the_learning_task():
    entries = [entry["task"] for entry in celery_app.conf.beat_schedule.values()]
    assert "personalization.search.learn_search_intents" in entries
    assert "personalization.search.learn_search_intents" in celery_app.tasks
