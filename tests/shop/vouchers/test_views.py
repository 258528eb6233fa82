"""Vouchers on the storefront: entered in the cart, shown line by line, paid at checkout, listed on the order."""

from decimal import Decimal

import pytest
from django.urls import reverse

from shop.models import Order
from tests.shop.conftest import checkout_data, messages_of
from tests.shop.vouchers.factories import make_voucher

pytestmark = pytest.mark.django_db


def test_apply_in_the_cart_shows_the_discount_per_line(cart_client):
    make_voucher(code="SAVE10")

    response = cart_client.post(reverse("shop:voucher_apply"), {"code": "save10"}, follow=True)

    html = response.content.decode()
    assert "Voucher SAVE10 applied: 10% off." in messages_of(response)
    assert "-$99.80 voucher" in html  # the line's discount
    assert "$898.20" in html


def test_bad_code_shows_its_message(cart_client):
    response = cart_client.post(reverse("shop:voucher_apply"), {"code": "NOPE"}, follow=True)
    assert "We don't know this voucher code. Please check it and try again." in messages_of(response)


def test_remove(cart_client):
    make_voucher(code="SAVE10")
    cart_client.post(reverse("shop:voucher_apply"), {"code": "SAVE10"})

    response = cart_client.post(reverse("shop:voucher_remove"), {"code": "SAVE10"}, follow=True)

    assert "Voucher removed." in messages_of(response)
    assert "$898.20" not in response.content.decode()


def test_checkout_charges_the_discounted_total_and_the_order_lists_it(cart_client, shipping_methods):
    make_voucher(code="SAVE10")
    cart_client.post(reverse("shop:voucher_apply"), {"code": "SAVE10"})
    page = cart_client.get(reverse("shop:checkout"))
    assert "Voucher SAVE10" in page.content.decode()

    response = cart_client.post(reverse("shop:checkout"), checkout_data(cart_client), follow=True)

    order = Order.objects.get()
    assert order.discount_total == Decimal("99.80") and order.total == Decimal("898.20")
    html = response.content.decode()
    assert "Discount (SAVE10)" in html
    assert "-$99.80 voucher" in html


def test_checkout_refuses_a_voucher_used_up_meanwhile(cart_client, shipping_methods):
    voucher = make_voucher(code="LAST", usage_limit=1)
    cart_client.post(reverse("shop:voucher_apply"), {"code": "LAST"})
    data = checkout_data(cart_client)
    type(voucher).objects.filter(pk=voucher.pk).update(used_count=1)

    response = cart_client.post(reverse("shop:checkout"), data)

    assert response.status_code == 409
    assert "This voucher has been fully used." in messages_of(response)
    assert not Order.objects.exists()
