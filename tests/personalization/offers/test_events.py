"""coupon_shown, coupon_applied and coupon_redeemed, recorded by the server as the shopper goes."""

from decimal import Decimal

import pytest
from django.urls import reverse

from personalization.offers.models import OfferAssignment
from personalization.tracking.models import Event
from shop.services.cart import cart_add, cart_get_or_create
from tests.personalization.offers.conftest import BROWSER_UA, make_campaign
from tests.shop.conftest import checkout_data

# Transactional: on_commit callbacks (which queue the events) run as they do in production.
pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def shopper(client, user, product, shipping_methods):
    """alice, signed in, with the camera in her cart and a 5.00 offer (no holdout)."""
    make_campaign(key="spring", holdout_percent=0, discount_value=Decimal("5.00"))
    cart_add(cart=cart_get_or_create(user=user, session_key=None), product_id=product.pk, quantity=1)
    client.force_login(user)
    client.defaults["HTTP_USER_AGENT"] = BROWSER_UA  # no user agent reads as a bot
    return client


def events(kind):
    return list(Event.objects.filter(type=kind))


def test_banner_shows_the_code_and_records_shown_once_a_day(shopper, user):
    first = shopper.get(reverse("shop:home"))
    shopper.get(reverse("shop:home"))
    shopper.get(reverse("shop:cart"))

    code = OfferAssignment.objects.get(user=user).voucher.code
    assert code in first.content.decode()
    (shown,) = events("coupon_shown")
    assert shown.user_id == user.pk
    assert shown.context == {"campaign": "spring", "coupon": code, "language": "en"}
    assert OfferAssignment.objects.get(user=user).shown_at is not None


def test_applied_and_redeemed_are_recorded_by_the_server(shopper, user):
    shopper.get(reverse("shop:home"))
    code = OfferAssignment.objects.get(user=user).voucher.code

    shopper.post(reverse("shop:voucher_apply"), {"code": code.lower()})
    cart_page = shopper.get(reverse("shop:cart")).content.decode()
    response = shopper.post(reverse("shop:checkout"), checkout_data(shopper, email=user.email))

    assert response.status_code == 302, response.content.decode()[:2000]
    assert "-$5.00" in cart_page
    (applied,) = events("coupon_applied")
    assert applied.context == {"coupon": code, "campaign": "spring", "language": "en"}
    (redeemed,) = events("coupon_redeemed")
    assert redeemed.value == Decimal("5.00")
    assert redeemed.context["campaign"] == "spring" and redeemed.context["coupon"] == code
    assignment = OfferAssignment.objects.get(user=user)
    assert assignment.applied_at and assignment.redeemed_at


def test_anonymous_visitors_see_no_banner(client, campaign, product):
    response = client.get(reverse("shop:home"))
    assert "coupon-banner" not in response.content.decode()
    assert not OfferAssignment.objects.exists()
