"""Checkout and sign-up forms."""

from decimal import Decimal

import pytest

from shop.forms import CheckoutForm, SignupForm
from shop.models import ShippingMethod
from shop.payments import available_providers

pytestmark = pytest.mark.django_db


def checkout_form(**data) -> CheckoutForm:
    values = {
        "email": "a@example.com",
        "name": "Alice",
        "line1": "1 Main Street",
        "city": "Springfield",
        "postcode": "12345",
        "country": "de",
        "shipping_method": "standard",
        "payment_method": "cod",
        "idempotency_key": "k1",
        "expected_total": "10.00",
    }
    values.update(data)
    return CheckoutForm(
        values,
        shipping_methods=list(ShippingMethod.objects.filter(is_active=True)),
        providers=available_providers(),
        subtotal=Decimal("80.00"),
    )


def test_checkout_form_accepts_a_complete_address():
    # when
    form = checkout_form()
    # then
    assert form.is_valid(), form.errors
    assert form.address().country == "DE"


def test_checkout_form_requires_a_card_number_for_card_providers():
    # when
    form = checkout_form(payment_method="test_card")
    # then
    assert not form.is_valid()
    assert "card_number" in form.errors


def test_checkout_form_needs_no_card_number_for_cash_on_delivery():
    # when
    form = checkout_form(payment_method="cod", card_number="")
    # then
    assert form.is_valid(), form.errors


def test_checkout_form_refuses_a_three_letter_country():
    # when
    form = checkout_form(country="DEU")
    # then
    assert "country" in form.errors


def test_checkout_form_refuses_an_unknown_shipping_method():
    # when
    form = checkout_form(shipping_method="teleport")
    # then
    assert "shipping_method" in form.errors


def test_shipping_options_apply_the_free_above_rule():
    # given: standard delivery is free from 75.00, the subtotal is 80.00
    form = checkout_form()
    # when
    options = {option["method"].code: option for option in form.shipping_options()}
    # then
    assert options["standard"]["price"] == Decimal("0.00")
    assert options["standard"]["total"] == Decimal("80.00")
    assert options["express"]["price"] == Decimal("12.95")


def test_signup_form_requires_an_email():
    # when
    form = SignupForm({"username": "carol", "password1": "x7!long-pass", "password2": "x7!long-pass"})
    # then
    assert "email" in form.errors


def test_signup_form_saves_the_email():
    # given
    form = SignupForm(
        {"username": "carol", "email": "c@example.com", "password1": "x7!long-pass", "password2": "x7!long-pass"}
    )
    # when
    user = form.save() if form.is_valid() else None
    # then
    assert user is not None, form.errors
    assert user.email == "c@example.com"
