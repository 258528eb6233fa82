"""The ad slot on pages and in the template tag: relevance, stock, labels, share, caps, pacing, impressions."""

from decimal import Decimal

import pytest
from django.core.cache import cache
from django.db import connection
from django.template import Context, Template
from django.test import RequestFactory
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from personalization.ads.models import AdCampaign
from personalization.ads.slots import ad_slot_for_request
from personalization.tracking.models import Event
from personalization.tracking.policy import Decision
from tests.personalization.ads.conftest import BROWSER_UA, make_campaign

pytestmark = pytest.mark.django_db


def ad_request(visitor="v-1"):
    request = RequestFactory().get("/search/", HTTP_USER_AGENT=BROWSER_UA)
    request.visitor_id = visitor
    request.tracking = Decision(True, "ok")
    request._tracking_pending = []
    from django.contrib.auth.models import AnonymousUser

    request.user = AnonymousUser()
    request.session = None
    return request


def search_ads(request, query="camera", organic=12):
    return ad_slot_for_request(request, slot="search_top", query=query, organic_count=organic)


def test_category_page_shows_labelled_sponsored_product(browser, store):
    # given
    promoted = store["camera_items"][0]
    make_campaign(products=[promoted], categories=[store["electronics"]])
    # when
    response = browser.get(reverse("shop:category", kwargs={"slug": store["cameras"].slug}))
    # then
    html = response.content.decode()
    assert 'data-ad-slot="category_top"' in html
    assert ">Sponsored</h2>" in html and ">Sponsored</span>" in html, "visible label"
    assert f'aria-label="Sponsored: {promoted.name}' in html, "label for screen readers"
    assert "/ads/click/" in html and 'rel="sponsored nofollow"' in html


def test_search_page_shows_keyword_targeted_ad(browser, store):
    shoe = store["shoe_items"][0]
    make_campaign(products=[shoe], keywords="running shoes\ntrainers")
    html = browser.get(reverse("shop:search") + "?q=running+shoe").content.decode()
    assert 'data-ad-slot="search_top"' in html
    assert f"Sponsored: {shoe.name}" in html


def test_product_page_shows_other_product_of_the_same_category(browser, store):
    viewed, other = store["camera_items"][:2]
    make_campaign(products=[viewed, other, store["shoe_items"][0]])
    html = browser.get(viewed.get_absolute_url()).content.decode()
    assert f"Sponsored: {other.name}" in html
    assert f"Sponsored: {viewed.name}" not in html, "never the viewed product itself"
    assert "Sponsored: Running shoe" not in html, "only the viewed product's category"


def test_keywords_must_match_the_query(store):
    make_campaign(products=[store["shoe_items"][0]], keywords="trail runners")
    assert not search_ads(ad_request(), query="running shoes")
    assert search_ads(ad_request(), query="best trail runners")


def test_untargeted_campaign_shows_for_searches_naming_the_product(store):
    make_campaign(products=[store["camera_items"][0]])
    assert search_ads(ad_request(), query="lumix mirrorless")
    assert not search_ads(ad_request(), query="sandals")


def test_category_targeting_matches_the_page_or_its_ancestors(store):
    make_campaign(products=[store["camera_items"][0]], categories=[store["electronics"]])
    on_cameras = ad_slot_for_request(
        ad_request(), slot="category_top", category_id=store["cameras"].pk, organic_count=12
    )
    on_shoes = ad_slot_for_request(ad_request(), slot="category_top", category_id=store["shoes"].pk, organic_count=12)
    assert on_cameras and not on_shoes


def test_out_of_stock_and_inactive_products_never_shown(store):
    sold_out, hidden = store["camera_items"][:2]
    sold_out.stock = 0
    sold_out.save(update_fields=["stock"])
    hidden.is_active = False
    hidden.save(update_fields=["is_active"])
    make_campaign(products=[sold_out, hidden])
    assert not search_ads(ad_request(), query="camera")


def test_stock_sold_out_after_the_index_was_cached_is_still_excluded(store):
    item = store["camera_items"][0]
    make_campaign(products=[item])
    assert search_ads(ad_request(), query="camera")
    item.stock = 0
    item.save(update_fields=["stock"])
    assert not search_ads(ad_request(), query="camera")


def test_ads_take_at_most_their_share_of_the_listing(store):
    for n, item in enumerate(store["camera_items"][:4]):
        make_campaign(products=[item], name=f"C{n}")
    assert len(search_ads(ad_request(), organic=5)) == 0, "fewer than six products: no room"
    assert len(search_ads(ad_request(), organic=6)) == 1
    assert len(search_ads(ad_request(), organic=24)) == 2, "never more than ADS_MAX_PER_SLOT"


def test_frequency_cap_per_visitor_and_campaign(store, settings):
    settings.ADS_FREQUENCY_CAP = 2
    make_campaign(products=[store["camera_items"][0]])
    shown = [bool(search_ads(ad_request("v-1"))) for _ in range(3)]
    assert shown == [True, True, False]
    assert search_ads(ad_request("v-2")), "another visitor still sees it"


def test_campaign_ahead_of_pace_sits_out(store, settings):
    settings.ADS_PACING_SLACK = 0.0
    campaign = make_campaign(products=[store["camera_items"][0]], daily_budget="10.00")
    from django.utils import timezone

    AdCampaign.objects.filter(pk=campaign.pk).update(spent_today=Decimal("10.00"), spend_day=timezone.localdate())
    assert not search_ads(ad_request())
    AdCampaign.objects.filter(pk=campaign.pk).update(spend_day=timezone.localdate() - timezone.timedelta(days=1))
    assert search_ads(ad_request()), "yesterday's spend does not count today"


def test_inactive_or_unscheduled_campaigns_never_shown(store):
    from django.utils import timezone

    make_campaign(products=[store["camera_items"][0]], status=AdCampaign.Status.PAUSED)
    make_campaign(products=[store["camera_items"][1]], starts_at=timezone.now() + timezone.timedelta(days=1))
    make_campaign(products=[store["camera_items"][2]], ends_at=timezone.now() - timezone.timedelta(minutes=1))
    assert not search_ads(ad_request())


def test_spent_budget_never_shown(store):
    campaign = make_campaign(products=[store["camera_items"][0]], total_budget="5.00")
    AdCampaign.objects.filter(pk=campaign.pk).update(spent_total=Decimal("4.97"))
    assert not search_ads(ad_request()), "3 cents left is under the reserve price"


def test_tag_renders_and_logs_an_impression(store):
    item = store["camera_items"][0]
    campaign = make_campaign(products=[item], max_cpc="0.80")
    make_campaign(products=[store["camera_items"][1]], max_cpc="0.40", name="Cheaper")
    request = ad_request()
    template = Template('{% load ad_tags %}{% ad_slot "search_top" as ads %}{% include "ads/slot.html" with ads=ads %}')
    # when
    html = template.render(
        Context({"request": request, "query": "camera", "products": list(range(12)), "currency": "USD"})
    )
    # then
    assert f"Sponsored: {item.name}" in html
    events = [e for e in request._tracking_pending if e.type == "ad_impression"]
    assert len(events) == 2
    first = events[0]
    assert first.product_id == item.pk
    assert first.context["campaign"] == campaign.pk and first.context["slot"] == "search_top"
    assert first.context["price"] == "0.41", "second price: 0.40 x q / q + 0.01"
    assert len(first.context["impression_id"]) == 32


def test_page_impressions_are_stored_as_events(browser, store):
    make_campaign(products=[store["camera_items"][0]], categories=[store["cameras"]])
    browser.get(reverse("shop:category", kwargs={"slug": store["cameras"].slug}))
    assert Event.objects.filter(type="ad_impression", context__slot="category_top").count() == 1


def test_bots_see_no_ads_and_cost_no_queries(client, store):
    make_campaign(products=[store["camera_items"][0]], categories=[store["cameras"]])
    request = ad_request()
    request.tracking = Decision(False, "bot")
    with CaptureQueriesContext(connection) as captured:
        result = ad_slot_for_request(request, slot="category_top", category_id=store["cameras"].pk, organic_count=12)
    assert not result and result.reason == "bot"
    assert len(captured) == 0


def test_slot_queries_are_bounded(store):
    for n, item in enumerate(store["camera_items"]):
        make_campaign(products=[item], name=f"C{n}")
    search_ads(ad_request())  # warms the index
    with CaptureQueriesContext(connection) as captured:
        result = search_ads(ad_request("v-9"))
    assert len(result) == 2
    assert len(captured) == 3, "candidates' budgets and stock, the winners, their images"
    cache.clear()
    with CaptureQueriesContext(connection) as captured:
        search_ads(ad_request("v-10"), query="sandals")
    assert len(captured) <= 4, "a cold index: campaigns, their categories, the tree, promoted products"


def test_slot_never_raises(store, monkeypatch):
    make_campaign(products=[store["camera_items"][0]])

    def broken(**kwargs):
        raise RuntimeError("database on fire")

    monkeypatch.setattr("personalization.ads.slots.candidate_facts", broken)
    result = search_ads(ad_request())
    assert not result and result.reason == "error"


def test_disabled_ads_show_nothing(store, settings):
    settings.ADS_ENABLED = False
    make_campaign(products=[store["camera_items"][0]])
    assert search_ads(ad_request()).reason == "disabled"
