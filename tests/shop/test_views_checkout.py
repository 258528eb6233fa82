"""Checkout: guest and signed-in orders, idempotency, stale totals, declined cards, confirmation access."""

from decimal import Decimal

import pytest
from django.test import Client
from django.urls import reverse

from shop.emails import send_order_confirmation
from shop.models import Order
from tests.shop.conftest import checkout_data, messages_of

pytestmark = pytest.mark.django_db

DECLINED_CARD = "4000000000000002"


def test_checkout_with_empty_cart_redirects_to_cart(client):
    # when
    response = client.get(reverse("shop:checkout"))
    # then
    assert response["Location"] == reverse("shop:cart")
    assert messages_of(response) == ["Your cart is empty. Add something before checking out."]


def test_checkout_page_shows_totals_for_the_first_shipping_method(cart_client):
    # when
    response = cart_client.get(reverse("shop:checkout"))
    # then
    totals = response.context["totals"]
    assert response.status_code == 200
    assert totals.total == totals.subtotal + totals.shipping
    assert f'name="expected_total" value="{totals.total}"' in response.text
    assert 'name="idempotency_key"' in response.text


def test_checkout_page_prefills_email_of_signed_in_user(client, user, product):
    # given
    client.force_login(user)
    client.post(reverse("shop:cart_add"), {"product_id": product.pk})
    # when
    response = client.get(reverse("shop:checkout"))
    # then
    assert f'value="{user.email}"' in response.text


def test_guest_checkout_with_cash_on_delivery_places_the_order(cart_client, product):
    # given
    data = checkout_data(cart_client)
    # when
    response = cart_client.post(reverse("shop:checkout"), data)
    # then
    order = Order.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("shop:order_confirmation", kwargs={"number": order.number})
    assert order.email == "guest@example.com"
    assert order.shipping_country == "US"
    assert order.payment_method == "cod"
    product.refresh_from_db()
    assert product.stock == 3


def test_confirmation_page_shows_the_order_to_the_guest(cart_client):
    # given
    response = cart_client.post(reverse("shop:checkout"), checkout_data(cart_client))
    # when
    page = cart_client.get(response["Location"])
    # then
    order = Order.objects.get()
    assert page.status_code == 200
    assert order.number in page.text
    assert "Lumix G9 camera" in page.text
    assert "Pay on delivery" in page.text
    assert "1 Main Street" in page.text


def test_confirmation_page_is_404_for_another_visitor(cart_client):
    # given
    response = cart_client.post(reverse("shop:checkout"), checkout_data(cart_client))
    # when
    page = Client().get(response["Location"])
    # then
    assert page.status_code == 404


def test_double_submit_with_the_same_key_places_one_order(cart_client):
    # given
    data = checkout_data(cart_client)
    first = cart_client.post(reverse("shop:checkout"), data)
    # when
    second = cart_client.post(reverse("shop:checkout"), data)
    # then
    assert Order.objects.count() == 1
    assert second.status_code == 302
    assert second["Location"] == first["Location"]


def test_tampered_expected_total_is_refused_as_stale(cart_client, product):
    # given
    data = checkout_data(cart_client, expected_total="1.00")
    # when
    response = cart_client.post(reverse("shop:checkout"), data)
    # then
    assert response.status_code == 409
    assert not Order.objects.exists()
    assert "Prices or stock changed since you reviewed your order." in response.text
    assert f'name="expected_total" value="{response.context["totals"].total}"' in response.text


def test_price_change_during_checkout_shows_new_totals_and_the_resubmit_succeeds(cart_client, product):
    # given
    data = checkout_data(cart_client)
    product.price = Decimal("450.00")
    product.save(update_fields=["price"])
    stale = cart_client.post(reverse("shop:checkout"), data)
    # when
    data["expected_total"] = str(stale.context["totals"].total)
    response = cart_client.post(reverse("shop:checkout"), data)
    # then
    assert stale.status_code == 409
    assert "$900.00" in stale.text
    assert response.status_code == 302
    assert Order.objects.get().subtotal == Decimal("900.00")


def test_choosing_another_delivery_option_without_script_asks_to_confirm(cart_client):
    # given: the hidden total is the one of the pre-selected (first) delivery option
    data = checkout_data(cart_client, shipping_method="express")
    # when
    response = cart_client.post(reverse("shop:checkout"), data)
    # then
    assert response.status_code == 409
    assert "The total changed with the delivery option you chose." in response.text
    assert not Order.objects.exists()


def test_declined_card_places_no_order_and_keeps_stock(cart_client, product):
    # given
    data = checkout_data(cart_client, payment_method="test_card", card_number=DECLINED_CARD)
    # when
    response = cart_client.post(reverse("shop:checkout"), data)
    # then
    assert response.status_code == 400
    assert "The card was declined." in response.text
    assert DECLINED_CARD not in response.text
    assert not Order.objects.exists()
    product.refresh_from_db()
    assert product.stock == 5


def test_card_payment_needs_a_card_number(cart_client):
    # given
    data = checkout_data(cart_client, payment_method="test_card", card_number="")
    # when
    response = cart_client.post(reverse("shop:checkout"), data)
    # then
    assert response.status_code == 400
    assert "Enter a card number" in response.text
    assert not Order.objects.exists()


def test_accepted_test_card_marks_the_order_paid(cart_client):
    # given
    data = checkout_data(cart_client, payment_method="test_card", card_number="4242 4242 4242 4242")
    # when
    cart_client.post(reverse("shop:checkout"), data)
    # then
    assert Order.objects.get().status == Order.Status.PAID


@pytest.mark.parametrize(
    "overrides",
    [
        {"email": "not-an-email"},
        {"name": ""},
        {"country": "USA"},
        {"country": "1!"},
        {"shipping_method": "teleport"},
        {"payment_method": "iou"},
        {"expected_total": "lots"},
        {"idempotency_key": ""},
    ],
)
def test_invalid_checkout_form_re_renders_without_an_order(cart_client, overrides):
    # given
    data = checkout_data(cart_client, **overrides)
    # when
    response = cart_client.post(reverse("shop:checkout"), data)
    # then
    assert response.status_code == 400
    assert not Order.objects.exists()


def test_signed_in_checkout_links_the_order_to_the_user(client, user, product):
    # given
    client.force_login(user)
    client.post(reverse("shop:cart_add"), {"product_id": product.pk})
    # when
    response = client.post(reverse("shop:checkout"), checkout_data(client))
    # then
    order = Order.objects.get()
    assert order.user == user
    page = client.get(response["Location"])
    assert f'href="{reverse("shop:account")}"' in page.text


def test_checkout_after_order_was_placed_elsewhere_redirects_to_cart(cart_client):
    # given: the cart was emptied by an order from another tab
    cart_client.post(reverse("shop:checkout"), checkout_data(cart_client))
    # when
    response = cart_client.get(reverse("shop:checkout"))
    # then
    assert response["Location"] == reverse("shop:cart")


def test_confirmation_email_lists_lines_total_and_payment_instructions(cart_client, mailoutbox):
    # given
    cart_client.post(reverse("shop:checkout"), checkout_data(cart_client, payment_method="bank_transfer"))
    order = Order.objects.get()
    # when
    send_order_confirmation(order_pk=order.pk)
    # then
    body = mailoutbox[-1].body
    assert "2 x Lumix G9 camera" in body
    assert f"Total: ${order.total:,}" in body
    assert f"use {order.number} as the payment reference" in body
