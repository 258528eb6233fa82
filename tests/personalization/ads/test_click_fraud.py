"""Invalid clicks: logged with their reason, never charged, and the shopper still reaches the product."""

import re
import uuid
from datetime import timedelta
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from personalization.ads.clicks import ClickClaim, click_token
from personalization.ads.models import AdCampaign, AdClick, FilteredAdClick
from personalization.ads.selectors import advertiser_report
from shop.models import Product
from tests.factories import make_user
from tests.personalization.ads.conftest import make_campaign, visitor_browser

pytestmark = pytest.mark.django_db

Reason = FilteredAdClick.Reason
CLICK_URL_RE = re.compile(r'href="(/ads/click/[^"]+)"')


def link(campaign: AdCampaign, product: Product, *, visitor: str = "v-1", price: str = "0.40") -> str:
    claim = ClickClaim(uuid.uuid4(), campaign.pk, product.pk, Decimal(price), "search_top", visitor)
    return reverse("ads:click", kwargs={"token": click_token(claim)})


def spent(campaign: AdCampaign) -> Decimal:
    campaign.refresh_from_db()
    return campaign.spent_total


def filtered_reasons() -> list[str]:
    return list(FilteredAdClick.objects.order_by("pk").values_list("reason", flat=True))


def test_a_rotated_visitor_id_with_the_same_click_link_is_not_charged(store):
    # given: an ad shown on a page to one shopper
    item = store["camera_items"][0]
    campaign = make_campaign(products=[item], categories=[store["electronics"]])
    seen_by = visitor_browser()
    html = seen_by.get(reverse("shop:category", kwargs={"slug": store["cameras"].slug})).content.decode()
    (url,) = CLICK_URL_RE.findall(html)
    # when: the link is replayed by clients with fresh visitor ids, then clicked by the shopper
    replays = [visitor_browser(uuid.uuid4().hex).get(url) for _ in range(5)]
    own = seen_by.get(url)
    # then: everyone reaches the product, only the shopper's own click is paid
    assert all(r.status_code == 302 and r["Location"] == item.get_absolute_url() for r in [*replays, own])
    assert filtered_reasons() == [Reason.OTHER_VISITOR] * 5
    assert AdClick.objects.count() == 1 and spent(campaign) == AdClick.objects.get().cost > 0


def test_forged_token_is_logged_and_leads_home(store):
    item = store["camera_items"][0]
    campaign = make_campaign(products=[item])
    genuine = link(campaign, item)
    signed, signature = genuine.rstrip("/").rsplit(":", 1)
    tampered = f"{signed}:{'A' * len(signature)}/"

    responses = [visitor_browser("v-1").get(url) for url in ("/ads/click/not-a-token/", tampered)]

    assert [r.status_code for r in responses] == [302, 302]
    assert all(r["Location"] == reverse("shop:home") for r in responses)
    assert filtered_reasons() == [Reason.FORGED, Reason.FORGED]
    assert FilteredAdClick.objects.filter(campaign=None).count() == 2
    assert not AdClick.objects.exists() and spent(campaign) == 0


def test_expired_link_is_logged_and_not_charged(store, settings):
    item = store["camera_items"][0]
    campaign = make_campaign(products=[item])
    url = link(campaign, item)
    settings.ADS_CLICK_MAX_AGE = -1

    response = visitor_browser("v-1").get(url)

    assert response.status_code == 302 and response["Location"] == item.get_absolute_url()
    assert FilteredAdClick.objects.get().reason == Reason.EXPIRED
    assert FilteredAdClick.objects.get().campaign == campaign
    assert not AdClick.objects.exists() and spent(campaign) == 0


def test_repeat_click_on_one_impression_is_logged_and_charged_once(store):
    item = store["camera_items"][0]
    campaign = make_campaign(products=[item])
    url, browser = link(campaign, item), visitor_browser("v-1")

    first, second = browser.get(url), browser.get(url)

    assert first.status_code == second.status_code == 302
    assert spent(campaign) == Decimal("0.40")
    assert filtered_reasons() == [Reason.REPEAT]


@pytest.mark.parametrize("user_agent", ["python-requests/2.32.3", "Mozilla/5.0 (compatible; Googlebot/2.1)", ""])
def test_bot_user_agent_is_logged_and_not_charged(store, user_agent):
    item = store["camera_items"][0]
    campaign = make_campaign(products=[item])

    response = visitor_browser("v-1", user_agent=user_agent).get(link(campaign, item))

    assert response.status_code == 302 and response["Location"] == item.get_absolute_url()
    assert filtered_reasons() == [Reason.BOT]
    assert spent(campaign) == 0


def test_clicks_past_the_address_cap_in_the_window_are_not_charged(store, settings):
    # given: at most 3 paid clicks per address per window
    settings.ADS_CLICK_CAP_PER_ADDRESS = 3
    item = store["camera_items"][0]
    campaign = make_campaign(products=[item])
    # when: four visitors behind one address click an ad each, and one visitor elsewhere does
    for n in range(4):
        visitor = f"v-{n}"
        assert visitor_browser(visitor).get(link(campaign, item, visitor=visitor)).status_code == 302
    visitor_browser("v-9", address="198.51.100.1").get(link(campaign, item, visitor="v-9"))
    # then
    assert filtered_reasons() == [Reason.ADDRESS_CAP]
    assert AdClick.objects.count() == 4 and spent(campaign) == Decimal("1.60")


def test_clicks_past_the_visitor_cap_in_the_window_are_not_charged(store, settings):
    settings.ADS_CLICK_CAP_PER_VISITOR = 2
    item = store["camera_items"][0]
    campaign = make_campaign(products=[item])

    for _ in range(3):
        visitor_browser("v-1").get(link(campaign, item))

    assert filtered_reasons() == [Reason.VISITOR_CAP]
    assert spent(campaign) == Decimal("0.80")


def test_the_cap_window_moves_on(store, settings, monkeypatch):
    settings.ADS_CLICK_CAP_PER_VISITOR = 1
    item = store["camera_items"][0]
    campaign = make_campaign(products=[item])
    visitor_browser("v-1").get(link(campaign, item))
    later = timezone.now() + timedelta(seconds=settings.ADS_CLICK_CAP_WINDOW + 1)
    monkeypatch.setattr("django.utils.timezone.now", lambda: later)

    visitor_browser("v-1").get(link(campaign, item))

    assert not FilteredAdClick.objects.exists() and spent(campaign) == Decimal("0.80")


def test_without_a_visitor_id_the_link_is_bound_to_the_address(store, settings):
    # given: consent is required and not given, so the shopper has no visitor id
    settings.PERSONALIZATION_REQUIRE_CONSENT = True
    item = store["camera_items"][0]
    campaign = make_campaign(products=[item], categories=[store["electronics"]])
    html = visitor_browser().get(reverse("shop:category", kwargs={"slug": store["cameras"].slug})).content.decode()
    (url,) = CLICK_URL_RE.findall(html)
    # when
    elsewhere = visitor_browser(address="198.51.100.1").get(url)
    same_address = visitor_browser().get(url)
    # then
    assert elsewhere.status_code == same_address.status_code == 302
    assert filtered_reasons() == [Reason.OTHER_VISITOR]
    assert AdClick.objects.count() == 1 and spent(campaign) > 0


def test_budget_is_never_overspent_by_valid_clicks(store):
    item = store["camera_items"][0]
    campaign = make_campaign(products=[item], total_budget="1.00")

    for n in range(4):
        visitor_browser(f"v-{n}").get(link(campaign, item, visitor=f"v-{n}"))

    assert spent(campaign) == Decimal("0.80")
    assert not FilteredAdClick.objects.exists(), "a click the budget cannot cover is valid, just free"


def test_report_shows_charged_and_filtered_clicks_by_reason(store, client, settings):
    # given: one charged click, two replays by other visitors, one repeat, one bot, one forged link
    item = store["camera_items"][0]
    campaign = make_campaign(products=[item], name="Spring cameras")
    url = link(campaign, item)
    visitor_browser("v-1").get(url)
    visitor_browser("v-2").get(url)
    visitor_browser("v-3").get(url)
    visitor_browser("v-1").get(url)
    visitor_browser("v-1", user_agent="curl/8.5").get(link(campaign, item))
    visitor_browser("v-1").get("/ads/click/garbage/")
    now = timezone.now()
    # when
    (row,) = advertiser_report(since=now - timedelta(days=1), until=now + timedelta(seconds=1), campaigns=[campaign])
    client.force_login(make_user(username="boss", is_staff=True, is_superuser=True))
    html = client.get(reverse("admin:ads_adcampaign_report")).content.decode()
    # then
    assert (row.clicks, row.spend) == (1, Decimal("0.40"))
    assert row.filtered_clicks == 4
    assert dict(row.filtered_by_reason) == {
        Reason.OTHER_VISITOR.label: 2,
        Reason.REPEAT.label: 1,
        Reason.BOT.label: 1,
    }
    assert "Filtered clicks" in html and "Not the visitor the ad was shown to: 2" in html
    assert "1 click on a forged or unreadable link" in html
