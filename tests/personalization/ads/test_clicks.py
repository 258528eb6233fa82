"""Clicks: charged once per shown ad, never past a budget (also under concurrent clicks), then on to the product."""

import threading
import uuid
from decimal import Decimal

import pytest
from django.db import connection
from django.urls import reverse
from django.utils import timezone

from personalization.ads.clicks import ClickClaim, click_token
from personalization.ads.models import AdCampaign, AdClick
from personalization.ads.services import campaign_charge
from personalization.tracking.models import Event
from tests.personalization.ads.conftest import make_campaign, register_click, visitor_browser


def claim_for(campaign, product, price="0.40", visitor="v-1"):
    return ClickClaim(uuid.uuid4(), campaign.pk, product.pk, Decimal(price), "search_top", visitor)


def click_url(claim):
    return reverse("ads:click", kwargs={"token": click_token(claim)})


@pytest.mark.django_db
def test_click_charges_records_and_redirects(store):
    # given
    item = store["camera_items"][0]
    campaign = make_campaign(products=[item])
    claim = claim_for(campaign, item)
    # when
    response = visitor_browser("v-1").get(click_url(claim))
    # then
    assert response.status_code == 302 and response["Location"] == item.get_absolute_url()
    campaign.refresh_from_db()
    assert campaign.spent_total == Decimal("0.40") and campaign.spent_today == Decimal("0.40")
    click = AdClick.objects.get()
    assert click.cost == Decimal("0.40") and click.impression_id == claim.impression_id
    event = Event.objects.get(type="ad_click")
    assert event.product_id == item.pk and event.value == Decimal("0.40") and event.context["charged"] is True


@pytest.mark.django_db
def test_second_click_on_the_same_ad_is_free(store):
    item = store["camera_items"][0]
    campaign = make_campaign(products=[item])
    url, browser = click_url(claim_for(campaign, item)), visitor_browser("v-1")
    first, second = browser.get(url), browser.get(url)
    assert first.status_code == second.status_code == 302
    campaign.refresh_from_db()
    assert campaign.spent_total == Decimal("0.40"), "charged once"
    assert AdClick.objects.count() == 1
    assert Event.objects.filter(type="ad_click").count() == 1


@pytest.mark.django_db
def test_click_the_budget_cannot_cover_is_free_but_still_redirects(store):
    item = store["camera_items"][0]
    campaign = make_campaign(products=[item], total_budget="1.00")
    browser = visitor_browser("v-1")
    for _ in range(3):
        assert browser.get(click_url(claim_for(campaign, item, price="0.40"))).status_code == 302
    campaign.refresh_from_db()
    assert campaign.spent_total == Decimal("0.80"), "0.40 + 0.40; a third 0.40 would pass 1.00"
    assert sorted(AdClick.objects.values_list("cost", flat=True)) == [Decimal("0"), Decimal("0.40"), Decimal("0.40")]


@pytest.mark.django_db
def test_daily_budget_restarts_each_day(store):
    campaign = make_campaign(products=[store["camera_items"][0]], daily_budget="1.00")
    now = timezone.now()
    assert campaign_charge(campaign_id=campaign.pk, amount=Decimal("1.00"), now=now)
    assert not campaign_charge(campaign_id=campaign.pk, amount=Decimal("0.05"), now=now)
    tomorrow = now + timezone.timedelta(days=1)
    assert campaign_charge(campaign_id=campaign.pk, amount=Decimal("0.60"), now=tomorrow)
    campaign.refresh_from_db()
    assert (campaign.spent_today, campaign.spent_total) == (Decimal("0.60"), Decimal("1.60"))


@pytest.mark.django_db
def test_paused_campaign_is_not_charged(store):
    item = store["camera_items"][0]
    campaign = make_campaign(products=[item], status=AdCampaign.Status.PAUSED)
    outcome = register_click(claim_for(campaign, item))
    assert outcome.valid and outcome.cost == 0


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_concurrent_clicks_never_overspend_the_budget(store):
    if connection.vendor != "postgresql":
        pytest.skip("SQLite serializes every write; row locks under concurrency need PostgreSQL (DATABASE_URL)")
    # given: room for exactly 7 clicks of 0.37 (2.59) in a 2.60 budget, and 24 distinct clicks at once
    item = store["camera_items"][0]
    campaign = make_campaign(products=[item], total_budget="2.60", daily_budget="100.00")
    claims = [claim_for(campaign, item, price="0.37", visitor=f"v-{n}") for n in range(24)]
    duplicate = claims[0]
    claims.append(duplicate)  # the same ad clicked twice at the same moment
    barrier = threading.Barrier(len(claims))
    outcomes, errors = [], []

    def click(claim):
        try:
            barrier.wait()
            outcomes.append(register_click(claim))
        except Exception as error:  # surfaced below
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=click, args=(claim,)) for claim in claims]
    # when
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    # then
    assert not errors, errors
    campaign.refresh_from_db()
    charged = [o for o in outcomes if o.reason == "charged"]
    assert campaign.spent_total == Decimal("2.59") and len(charged) == 7
    assert campaign.spent_total <= campaign.total_budget
    assert sum(c.cost for c in AdClick.objects.all()) == campaign.spent_total, "ledger matches the counter"
    assert [o.reason for o in outcomes].count("repeat") == 1
    assert AdClick.objects.count() == 24


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_concurrent_clicks_respect_the_daily_budget(store):
    if connection.vendor != "postgresql":
        pytest.skip("SQLite serializes every write; row locks under concurrency need PostgreSQL (DATABASE_URL)")
    item = store["camera_items"][0]
    campaign = make_campaign(products=[item], daily_budget="1.00", total_budget="100.00")
    claims = [claim_for(campaign, item, price="0.30", visitor=f"v-{n}") for n in range(12)]
    barrier = threading.Barrier(len(claims))

    def click(claim):
        try:
            barrier.wait()
            register_click(claim)
        finally:
            connection.close()

    threads = [threading.Thread(target=click, args=(claim,)) for claim in claims]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    campaign.refresh_from_db()
    assert campaign.spent_today == Decimal("0.90")
