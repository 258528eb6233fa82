import pytest

from shop.models import Order
from tests.shop.api.conftest import place_order

pytestmark = pytest.mark.django_db


def test_options_price_shipping_for_the_current_cart(api_client, cart_with_item):
    response = api_client.get("/api/v1/checkout/options")

    assert response.status_code == 200
    body = response.json()
    assert body["subtotal"] == "998.00"
    prices = {method["code"]: method["price"] for method in body["shipping_methods"]}
    # 998.00 is above standard delivery's free threshold of 75.00.
    assert prices == {"standard": "0.00", "express": "12.95", "pickup": "0.00"}
    codes = {method["code"]: method["needs_card"] for method in body["payment_methods"]}
    assert codes == {"cod": False, "bank_transfer": False, "test_card": True}


def test_options_need_a_signed_in_user(anon_client):
    assert anon_client.get("/api/v1/checkout/options").status_code == 401


def test_quote_adds_the_shipping_method(api_client, cart_with_item):
    response = api_client.post("/api/v1/checkout/quote", {"shipping_method": "express"}, format="json")

    assert response.status_code == 200
    body = response.json()
    assert (body["subtotal"], body["shipping"], body["total"]) == ("998.00", "12.95", "1010.95")
    assert body["shipping_method"] == "express"


def test_quote_of_another_user_uses_their_own_empty_cart(other_client, cart_with_item):
    response = other_client.post("/api/v1/checkout/quote", {"shipping_method": "express"}, format="json")

    assert response.json()["total"] == "0.00"


def test_quote_needs_a_signed_in_user(anon_client):
    assert anon_client.post("/api/v1/checkout/quote", {"shipping_method": "express"}, format="json").status_code == 401


@pytest.mark.parametrize(
    ("body", "code"), [({}, "invalid"), ({"shipping_method": "teleport"}, "invalid_shipping_method")]
)
def test_quote_rejects_bad_shipping_method(api_client, cart_with_item, body, code):
    response = api_client.post("/api/v1/checkout/quote", body, format="json")

    assert response.status_code == 400
    assert response.json()["error"]["code"] == code


def test_a_checked_out_cart_submitted_again_with_a_new_key_is_refused(api_client, cart_with_item, product):
    first = place_order(api_client, key="first-tab")
    second = place_order(api_client, key="second-tab")

    assert first.status_code == 201
    assert second.status_code == 400
    assert second.json()["error"]["code"] == "empty_cart"
    assert Order.objects.count() == 1
    product.refresh_from_db()
    assert product.stock == 3
