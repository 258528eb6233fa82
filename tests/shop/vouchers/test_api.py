"""POST/DELETE /api/v1/cart/vouchers: the app enters and removes codes; the server prices the cart."""

import pytest

from tests.shop.api.conftest import place_order, token_client  # noqa: F401  (fixtures used by name below)
from tests.shop.vouchers.factories import make_voucher

pytestmark = pytest.mark.django_db


@pytest.fixture
def api_client(user, settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    return token_client(user)


def test_apply_prices_the_cart_line_by_line(api_client, cart):
    make_voucher(code="SAVE10")

    response = api_client.post("/api/v1/cart/vouchers", {"code": "save10"}, format="json")

    assert response.status_code == 201, response.json()
    body = response.json()
    assert body["discount"] == "99.80" and body["total"] == "898.20"
    assert body["lines"][0]["discount"] == "99.80"
    assert body["vouchers"] == [
        {"code": "SAVE10", "label": "10% off", "kind": "percent", "amount": "99.80", "problem": ""}
    ]


def test_bad_code_is_a_clear_error_and_the_cart_is_unchanged(api_client, cart):
    make_voucher(code="FULL", usage_limit=1, used_count=1)

    response = api_client.post("/api/v1/cart/vouchers", {"code": "FULL"}, format="json")

    assert response.status_code == 400
    assert response.json() == {"error": {"code": "voucher_used_up", "message": "This voucher has been fully used."}}
    assert api_client.get("/api/v1/cart").json()["vouchers"] == []


def test_delete_one_and_all(api_client, cart):
    make_voucher(code="ONE")
    api_client.post("/api/v1/cart/vouchers", {"code": "ONE"}, format="json")

    assert api_client.delete("/api/v1/cart/vouchers/one").json()["vouchers"] == []
    assert api_client.delete("/api/v1/cart/vouchers/one").status_code == 404
    api_client.post("/api/v1/cart/vouchers", {"code": "ONE"}, format="json")
    assert api_client.delete("/api/v1/cart/vouchers").json()["total"] == "998.00"


def test_order_placed_through_the_api_uses_the_voucher(api_client, cart, shipping_methods):
    make_voucher(code="SAVE10")
    api_client.post("/api/v1/cart/vouchers", {"code": "SAVE10"}, format="json")
    quote = api_client.post("/api/v1/checkout/quote", {"shipping_method": "standard"}, format="json").json()

    response = place_order(api_client, expected_total=quote["total"])

    assert response.status_code == 201, response.json()
    assert response.json()["discount_total"] == "99.80"


def test_needs_sign_in(client, db):
    from rest_framework.test import APIClient

    assert APIClient().post("/api/v1/cart/vouchers", {"code": "X"}, format="json").status_code == 401
