import pytest

from shop.models import CartLine, Order, Product
from tests.shop.api.conftest import ADDRESS, place_order

pytestmark = pytest.mark.django_db


def test_place_order_with_cash_on_delivery(api_client, cart_with_item, product, user):
    response = place_order(api_client, expected_total="998.00")

    assert response.status_code == 201
    body = response.json()
    assert body["status"] == "pending"
    assert body["total"] == "998.00"
    assert body["email"] == user.email
    assert body["shipping_address"]["city"] == "Springfield"
    assert body["shipping_address"]["country"] == "US"
    assert [(line["product_id"], line["quantity"]) for line in body["lines"]] == [(product.pk, 2)]
    assert body["can_cancel"] is True
    assert not CartLine.objects.exists()
    product.refresh_from_db()
    assert product.stock == 3


def test_same_idempotency_key_returns_the_same_order(api_client, cart_with_item):
    first = place_order(api_client, key="retry-me")
    again = place_order(api_client, key="retry-me")

    assert (first.status_code, again.status_code) == (201, 200)
    assert first.json()["number"] == again.json()["number"]
    assert Order.objects.count() == 1


def test_another_users_idempotency_key_is_a_conflict(api_client, other_client, cart_with_item):
    place_order(api_client, key="shared")

    response = place_order(other_client, key="shared")

    assert response.status_code == 409
    assert response.json()["error"]["code"] == "idempotency_conflict"
    assert Order.objects.count() == 1


@pytest.mark.parametrize(
    ("headers", "code"),
    [
        ({}, "idempotency_key_required"),
        ({"HTTP_IDEMPOTENCY_KEY": "x" * 65}, "idempotency_key_invalid"),
        ({"HTTP_IDEMPOTENCY_KEY": "has space"}, "idempotency_key_invalid"),
    ],
)
def test_idempotency_key_is_required_and_bounded(api_client, cart_with_item, headers, code):
    body = {"address": ADDRESS, "shipping_method": "standard", "payment_method": "cod"}

    response = api_client.post("/api/v1/orders", body, format="json", **headers)

    assert response.status_code == 400
    assert response.json()["error"]["code"] == code
    assert not Order.objects.exists()


@pytest.mark.parametrize(
    ("overrides", "code"),
    [
        ({"shipping_method": "teleport"}, "invalid_shipping_method"),
        ({"payment_method": "iou"}, "invalid_payment_method"),
        ({"expected_total": "1.00"}, "stale_cart"),
        ({"payment_method": "test_card", "card_number": "4000 0000 0000 0002"}, "payment_failed"),
        ({"address": {**ADDRESS, "country": "USA"}}, "invalid"),
        ({"address": {"name": "No street"}}, "invalid"),
        ({"email": "not-an-email"}, "invalid"),
    ],
)
def test_bad_checkout_input_places_nothing(api_client, cart_with_item, product, overrides, code):
    response = place_order(api_client, **overrides)

    assert response.status_code == 400
    assert response.json()["error"]["code"] == code
    assert not Order.objects.exists()
    assert CartLine.objects.filter(cart=cart_with_item).count() == 1
    assert Product.objects.get(pk=product.pk).stock == 5


def test_nested_address_errors_use_dotted_paths(api_client, cart_with_item):
    response = place_order(api_client, address={**ADDRESS, "city": ""})

    assert list(response.json()["error"]["fields"]) == ["address.city"]


def test_empty_cart_cannot_be_ordered(api_client, user):
    response = place_order(api_client)

    assert response.status_code == 400
    assert response.json()["error"]["code"] == "empty_cart"


def test_card_payment_marks_the_order_paid(api_client, cart_with_item):
    response = place_order(api_client, payment_method="test_card", card_number="4242 4242 4242 4242")

    assert response.status_code == 201
    assert response.json()["status"] == "paid"
    assert response.json()["can_cancel"] is False


def test_placing_needs_a_signed_in_user(anon_client):
    assert place_order(anon_client).status_code == 401


def test_order_list_shows_only_my_orders(api_client, other_client, order):
    mine = api_client.get("/api/v1/orders").json()
    theirs = other_client.get("/api/v1/orders").json()

    assert [item["number"] for item in mine["results"]] == [order["number"]]
    assert mine["results"][0]["item_count"] == 2
    assert theirs["results"] == []


def test_order_list_filters_by_status(api_client, order):
    assert api_client.get("/api/v1/orders", {"status": "pending"}).json()["count"] == 1
    assert api_client.get("/api/v1/orders", {"status": "paid"}).json()["count"] == 0
    assert api_client.get("/api/v1/orders", {"status": "lost"}).status_code == 400


def test_order_list_needs_a_signed_in_user(anon_client):
    assert anon_client.get("/api/v1/orders").status_code == 401


def test_order_detail(api_client, order):
    response = api_client.get(f"/api/v1/orders/{order['number']}")

    assert response.status_code == 200
    assert response.json()["number"] == order["number"]


@pytest.mark.parametrize("number", ["NOPE1234", "caf\u00e9", "x" * 30])
def test_unknown_order_is_404(api_client, order, number):
    assert api_client.get(f"/api/v1/orders/{number}").status_code == 404


def test_another_users_order_is_404(other_client, anon_client, order):
    assert other_client.get(f"/api/v1/orders/{order['number']}").status_code == 404
    assert other_client.post(f"/api/v1/orders/{order['number']}/cancel").status_code == 404
    assert anon_client.get(f"/api/v1/orders/{order['number']}").status_code == 401
    assert Order.objects.get(number=order["number"]).status == "pending"


def test_cancel_pending_order_puts_stock_back(api_client, order, product):
    response = api_client.post(f"/api/v1/orders/{order['number']}/cancel")

    assert response.status_code == 200
    assert response.json()["status"] == "cancelled"
    assert [change["to_status"] for change in response.json()["status_history"]] == ["cancelled"]
    product.refresh_from_db()
    assert product.stock == 5


def test_cancel_twice_is_a_conflict(api_client, order):
    api_client.post(f"/api/v1/orders/{order['number']}/cancel")

    response = api_client.post(f"/api/v1/orders/{order['number']}/cancel")

    assert response.status_code == 409
    assert response.json()["error"]["code"] == "illegal_transition"


def test_paid_order_cannot_be_cancelled_by_the_customer(api_client, cart_with_item):
    number = place_order(api_client, payment_method="test_card", card_number="4242424242424242").json()["number"]

    response = api_client.post(f"/api/v1/orders/{number}/cancel")

    assert response.status_code == 409
    assert Order.objects.get(number=number).status == "paid"


def test_order_list_query_count_does_not_grow_with_orders(api_client, user, product, django_assert_max_num_queries):
    from shop.services.cart import cart_add, cart_get_or_create

    def buy(key):
        cart_add(cart=cart_get_or_create(user=user, session_key=None), product_id=product.pk)
        assert place_order(api_client, key=key).status_code == 201

    buy("first")
    with django_assert_max_num_queries(20) as few:
        api_client.get("/api/v1/orders")
    baseline = len(few.captured_queries)
    for n in range(3):
        buy(f"more-{n}")

    with django_assert_max_num_queries(baseline):
        assert api_client.get("/api/v1/orders").json()["count"] == 4
