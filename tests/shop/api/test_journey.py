"""A mobile app's first session, through the API alone: register, browse, fill the cart, check out, see the order.

This covers the shop part. The recommendations part (personalized lists, "bought together" in the
cart) comes with the recommendation endpoints in personalization/recommendations/api, as its own journey test here.
"""

import uuid

import pytest
from rest_framework.test import APIClient

from tests.factories import make_brand, make_category, make_product

pytestmark = pytest.mark.django_db


@pytest.fixture
def store(db):
    cameras = make_category(name="Cameras", slug="cameras")
    lenses = make_category(name="Lenses", slug="lenses", parent=cameras)
    lumix = make_brand(name="Lumix")
    make_product(name="Lumix G9 camera", slug="g9", category=cameras, brand=lumix, price="499.00", stock=4)
    make_product(name="Lumix 25mm lens", slug="lens-25", category=lenses, brand=lumix, price="199.00", stock=2)


def test_shopper_journey_register_browse_buy(store):
    app = APIClient()

    # given: a new shopper signs up in the app
    signup = app.post(
        "/api/v1/auth/register",
        {"username": "dana", "email": "dana@example.com", "password": "amber-lighthouse-7"},
        format="json",
    )
    assert signup.status_code == 201, signup.json()
    app.credentials(HTTP_AUTHORIZATION=f"Token {signup.json()['token']}")

    # when: they browse the menu, a category and a product
    tree = app.get("/api/v1/categories").json()
    assert [node["slug"] for node in tree[0]["children"]] == ["lenses"]
    listing = app.get("/api/v1/products", {"category": "cameras", "ordering": "price_asc"}).json()
    assert [item["slug"] for item in listing["results"]] == ["lens-25", "g9"]
    lens = app.get("/api/v1/products/lens-25").json()
    assert lens["stock_status"] == "low_stock"

    # and: fill the cart, change their mind about a quantity
    app.post("/api/v1/cart/lines", {"product_id": lens["id"], "quantity": 2}, format="json")
    camera_id = listing["results"][1]["id"]
    app.post("/api/v1/cart/lines", {"product_id": camera_id}, format="json")
    cart = app.patch(f"/api/v1/cart/lines/{lens['id']}", {"quantity": 1}, format="json").json()
    assert (cart["item_count"], cart["subtotal"]) == (2, "698.00")

    # and: choose delivery, see the total, and pay cash on delivery
    options = app.get("/api/v1/checkout/options").json()
    assert "cod" in [method["code"] for method in options["payment_methods"]]
    quote = app.post("/api/v1/checkout/quote", {"shipping_method": "express"}, format="json").json()
    assert quote["total"] == "710.95"
    key = str(uuid.uuid4())
    checkout = {
        "address": {
            "name": "Dana Doe",
            "line1": "2 High Street",
            "city": "Leeds",
            "postcode": "LS1 1AA",
            "country": "gb",
        },
        "shipping_method": "express",
        "payment_method": "cod",
        "expected_total": quote["total"],
    }
    placed = app.post("/api/v1/orders", checkout, format="json", HTTP_IDEMPOTENCY_KEY=key)
    # (the connection drops; the app retries with the same key)
    retried = app.post("/api/v1/orders", checkout, format="json", HTTP_IDEMPOTENCY_KEY=key)

    # then: there is one order, and the cart is empty
    assert (placed.status_code, retried.status_code) == (201, 200), placed.json()
    number = placed.json()["number"]
    assert retried.json()["number"] == number
    assert app.get("/api/v1/cart").json()["lines"] == []
    orders = app.get("/api/v1/orders").json()
    assert [order["number"] for order in orders["results"]] == [number]
    order = app.get(f"/api/v1/orders/{number}").json()
    assert (order["status"], order["total"], order["shipping_address"]["country"]) == ("pending", "710.95", "GB")
    assert order["can_cancel"] is True

    # and: signing out ends the token
    assert app.delete("/api/v1/auth/token").status_code == 204
    assert app.get("/api/v1/orders").status_code == 401
