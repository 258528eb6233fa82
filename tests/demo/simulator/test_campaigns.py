from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from demo.simulator import session
from demo.simulator.campaigns import COUPON_CAMPAIGN_KEY, demo_campaigns_ensure
from demo.simulator.clock import SimulatedClock
from demo.simulator.run import Simulation
from demo.simulator.session import (
    VOUCHER_RE,
    Browser,
    VisitResult,
    _look_at_ads,
    _maybe_apply_voucher,
    _sign_up,
    page_ads,
)
from demo.simulator.shoppers import Shopper, Taste, catalog_load
from personalization.ads.models import AdCampaign, AdClick, PromotedProduct
from personalization.ads.selectors import build_live_index
from personalization.offers.models import CouponCampaign, OfferAssignment
from personalization.offers.selectors import live_campaigns
from personalization.tracking.models import Event
from shop.models import Product
from shop.vouchers.models import Voucher

START = timezone.now().replace(microsecond=0) - timedelta(days=3)


class AlwaysYes:
    """A random stream whose every draw is 0: the shopper clicks and types in whatever they can."""

    def random(self) -> float:
        return 0.0


def _browser(index: int = 0) -> Browser:
    taste = Taste(categories={"phones": 1.0}, brands={}, price_level=0.5)
    shopper = Shopper(index=index, kind="loyal", seed=1000 + index, taste=taste, visits=[START], signs_up=True)
    return Browser(shopper, catalog=catalog_load(), clock=SimulatedClock(START))


@pytest.fixture
def everyone_offered():
    """The demo's coupon campaign offered to every signed-in shopper: its own targeting picks a random share."""

    def adjust(campaigns):
        CouponCampaign.objects.filter(pk=campaigns.coupon.pk).update(
            holdout_percent=0, targeting=CouponCampaign.Targeting.EVERYONE
        )

    return adjust


def test_the_demo_campaigns_are_live_from_their_start_and_made_once(demo_catalog):
    # when
    first = demo_campaigns_ensure(starts_at=START - timedelta(days=1))
    counts = (CouponCampaign.objects.count(), AdCampaign.objects.count(), PromotedProduct.objects.count())
    again = demo_campaigns_ensure(starts_at=START)

    # then
    assert first.created > 0 and again.created == 0, "a second call creates nothing"
    assert counts[:2] == (1, 2)
    assert PromotedProduct.objects.count() == counts[2], "the second call promotes nothing more"
    assert again.coupon.pk == first.coupon.pk and again.coupon.starts_at == START - timedelta(days=1)
    assert list(live_campaigns(now=START)) == [first.coupon], "the coupon campaign runs at the simulated start"
    assert {campaign.brand.name for campaign in first.ads} == {"Kairon", "Halvor"}
    index = build_live_index(now=START)
    assert {spec.id for spec in index.campaigns if spec.in_schedule(START)} == {c.pk for c in first.ads}
    assert all(len(spec.products) >= 2 for spec in index.campaigns), "each campaign promotes a few products"
    assert {"WELCOME10", "FREESHIP"} <= set(Voucher.objects.values_list("code", flat=True))
    assert any("Kairon" in line for line in first.lines())


def test_a_sponsored_card_shows_beside_a_product_of_its_shelf_and_its_click_is_charged(demo_catalog):
    # given a product on the shelf of a promoted one
    campaigns = demo_campaigns_ensure(starts_at=START)
    promoted = campaigns.ads[0].promoted.select_related("product").first().product
    neighbour = Product.objects.filter(category=promoted.category, is_active=True).exclude(pk=promoted.pk).first()
    browser = _browser()
    browser.rng = AlwaysYes()

    # when a shopper opens it and clicks the sponsored card
    html = browser.client.get(f"/p/{neighbour.slug}/").content.decode()
    cards = page_ads(html)
    result = VisitResult()
    chosen = _look_at_ads(browser, html, result)

    # then the simulator found the sponsored card, and the click went through the ads app to the product
    assert cards, "no sponsored card on the product page"
    assert {card.list_id for card in cards} == {"product_page"}
    promoted_ids = set(PromotedProduct.objects.values_list("product_id", flat=True))
    assert {card.product_id for card in cards} <= promoted_ids - {neighbour.pk}
    assert chosen is not None and result.ad_clicks == 1 and result.ad_impressions == len(cards)
    assert chosen.href == f"/p/{Product.objects.get(pk=chosen.product_id).slug}/"
    click = AdClick.objects.get()
    assert (click.product_id, click.cost) == (chosen.product_id, click.price)
    assert click.cost > 0


def test_a_signed_in_shopper_sees_the_coupon_code_in_the_cart_and_types_it_in(demo_catalog, everyone_offered):
    # given a shopper who signed up on the site, with a product over the minimum spend in the cart
    everyone_offered(demo_campaigns_ensure(starts_at=START))
    browser = _browser()
    browser.rng = AlwaysYes()
    result = VisitResult()
    _sign_up(browser, result)
    product = Product.objects.filter(is_active=True, stock__gt=0, price__gte=Decimal("30")).first()
    browser.client.post("/cart/add/", {"product_id": product.pk, "quantity": 1})

    # when
    cart = browser.client.get("/cart/").content.decode()
    _maybe_apply_voucher(browser, cart, result)

    # then the offer's code was on the page, and it is in the cart now
    assert result.signed_up
    assignment = OfferAssignment.objects.get(campaign__key=COUPON_CAMPAIGN_KEY, user_id=browser.user_id)
    assert VOUCHER_RE.findall(cart) == [assignment.voucher.code], "the offer shows its code as data-offer-code"
    assert assignment.shown_at is not None
    assert result.vouchers_applied == 1
    assert OfferAssignment.objects.get(pk=assignment.pk).applied_at is not None


@pytest.mark.slow
def test_simulated_shoppers_click_ads_and_are_offered_the_coupon(demo_catalog, everyone_offered, monkeypatch):
    # given the demo's campaigns, and shoppers who always look at the sponsored row and like every card
    # they see (a short run on a small catalog shows only a dozen or so sponsored cards; with the hidden
    # tastes alone, whether one of them draws a click depended on which ids earlier tests left the
    # products with, through each shopper's per-product quirk)
    everyone_offered(demo_campaigns_ensure(starts_at=START - timedelta(days=1)))
    monkeypatch.setattr(session, "SPONSORED_ATTENTION", 1.0)
    monkeypatch.setattr(session, "_utilities", lambda browser, cards: [3.0] * len(cards))

    # when
    simulation = Simulation(visitors=25, days=3, seed=35, start=START)
    simulation.play(progress=False)

    # then the ads app logged the impressions and every click the shoppers made
    results = [result for visits in simulation.results.values() for _, result in visits]
    ad_clicks = sum(result.ad_clicks for result in results)
    assert Event.objects.filter(type=Event.Type.AD_IMPRESSION).count() >= sum(r.ad_impressions for r in results) > 0
    assert ad_clicks > 0, "no simulated shopper clicked a sponsored card"
    assert AdClick.objects.count() == ad_clicks, "every click on a sponsored card reaches the ads app"
    assert Event.objects.filter(type=Event.Type.AD_CLICK).count() == ad_clicks
    # and the shoppers who signed up were shown the coupon
    assert any(result.signed_up for result in results), "nobody signed up: pick another seed"
    shown = OfferAssignment.objects.filter(campaign__key=COUPON_CAMPAIGN_KEY, shown_at__isnull=False)
    assert shown.exists(), "no signed-in shopper was shown the coupon offer"
    assert Event.objects.filter(type=Event.Type.COUPON_SHOWN).exists()
