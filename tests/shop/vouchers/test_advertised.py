"""Advertised codes: shown on the home page and in the cart while they can be used, never a personal code."""

import re
from datetime import timedelta
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from shop.vouchers.models import Voucher
from shop.vouchers.selectors import advertised_vouchers
from tests.factories import make_user
from tests.shop.vouchers.factories import make_voucher

pytestmark = pytest.mark.django_db


def codes(html: str) -> list[str]:
    return re.findall(r'data-promo-code="([^"]+)"', html)


def test_only_codes_anyone_can_use_now_are_advertised():
    now = timezone.now()
    make_voucher(code="OPEN", advertised=True, description="10% off everything")
    make_voucher(code="QUIET")  # not advertised
    make_voucher(code="OFF", advertised=True, is_active=False)
    make_voucher(code="LATER", advertised=True, starts_at=now + timedelta(days=1))
    make_voucher(code="OVER", advertised=True, ends_at=now - timedelta(minutes=1))
    make_voucher(code="GONE", advertised=True, usage_limit=2, used_count=2)
    make_voucher(code="MINE", advertised=True, owner=make_user())
    assert [v.code for v in advertised_vouchers()] == ["OPEN"]


def test_the_home_page_and_the_cart_show_them_with_what_they_give(client, cart_client):
    make_voucher(code="WELCOME10", advertised=True, description="10% off your first order")
    make_voucher(
        code="FREESHIP", kind=Voucher.Kind.FREE_SHIPPING, value=Decimal("0"), min_spend=Decimal("50"), advertised=True
    )
    home = client.get(reverse("shop:home")).content.decode()
    assert codes(home) == ["WELCOME10", "FREESHIP"]
    assert "10% off your first order" in home and "Free shipping" in home and "orders from $50.00" in home
    cart = cart_client.get(reverse("shop:cart")).content.decode()
    assert codes(cart) == ["WELCOME10", "FREESHIP"]


def test_a_code_already_in_the_cart_is_not_offered_again(cart_client):
    make_voucher(code="WELCOME10", advertised=True)
    make_voucher(code="FREESHIP", kind=Voucher.Kind.FREE_SHIPPING, value=Decimal("0"), advertised=True)
    # when
    response = cart_client.post(reverse("shop:voucher_apply"), {"code": "welcome10"}, follow=True)
    # then
    assert codes(response.content.decode()) == ["FREESHIP"]


def test_nothing_is_shown_when_nothing_is_advertised(client):
    make_voucher(code="QUIET")
    assert "promo-codes" not in client.get(reverse("shop:home")).content.decode()


def test_the_api_lists_them_for_the_mobile_app(client):
    ends = timezone.now() + timedelta(days=30)
    make_voucher(code="WELCOME10", advertised=True, description="10% off your first order")
    make_voucher(
        code="FREESHIP",
        kind=Voucher.Kind.FREE_SHIPPING,
        value=0,
        min_spend=Decimal("50"),
        ends_at=ends,
        advertised=True,
    )
    make_voucher(code="QUIET")
    response = client.get("/api/v1/vouchers/advertised")
    assert response.status_code == 200
    assert [(v["code"], v["kind"], v["label"], v["min_spend"]) for v in response.json()] == [
        ("WELCOME10", "percent", "10% off", "0.00"),
        ("FREESHIP", "free_shipping", "Free shipping", "50.00"),
    ]
    assert response.json()[0]["description"] == "10% off your first order"
    assert response.json()[1]["ends_at"] is not None
