import pytest

from shop.models import Cart, CartLine
from shop.services.cart import cart_add
from tests.factories import make_product

pytestmark = pytest.mark.django_db


def test_cart_of_a_new_user_is_empty_and_not_created_by_reading(api_client, user):
    response = api_client.get("/api/v1/cart")

    assert response.status_code == 200
    assert response.json()["lines"] == []
    assert response.json()["total"] == "0.00"
    assert not Cart.objects.filter(user=user).exists()


def test_cart_shows_lines_and_server_totals(api_client, cart_with_item, product):
    body = api_client.get("/api/v1/cart").json()

    assert [(line["product"]["id"], line["quantity"]) for line in body["lines"]] == [(product.pk, 2)]
    assert body["lines"][0]["line_total"] == "998.00"
    assert (body["subtotal"], body["shipping"], body["total"], body["item_count"]) == ("998.00", "0.00", "998.00", 2)
    assert body["currency"] == "USD"
    assert body["has_problems"] is False


@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("get", "/api/v1/cart"),
        ("post", "/api/v1/cart/lines"),
        ("patch", "/api/v1/cart/lines/1"),
        ("delete", "/api/v1/cart/lines/1"),
    ],
)
def test_cart_needs_a_signed_in_user(anon_client, method, path):
    response = getattr(anon_client, method)(path, {}, format="json")

    assert response.status_code == 401
    assert response.json()["error"]["code"] == "not_authenticated"
    assert response["WWW-Authenticate"] == "Token"


def test_invalid_token_is_401(anon_client):
    anon_client.credentials(HTTP_AUTHORIZATION="Token not-a-real-token")

    response = anon_client.get("/api/v1/cart")

    assert response.status_code == 401
    assert response.json()["error"]["code"] == "authentication_failed"


def test_add_line(api_client, user, product):
    response = api_client.post("/api/v1/cart/lines", {"product_id": product.pk, "quantity": 3}, format="json")

    assert response.status_code == 201
    assert response.json()["item_count"] == 3
    assert CartLine.objects.get(cart__user=user).quantity == 3


def test_add_line_defaults_to_one_and_adds_up(api_client, cart_with_item, product):
    response = api_client.post("/api/v1/cart/lines", {"product_id": product.pk}, format="json")

    assert response.json()["lines"][0]["quantity"] == 3


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"quantity": 1}, "product_id"),
        ({"product_id": "abc"}, "product_id"),
        ({"product_id": 1, "quantity": 0}, "quantity"),
        ({"product_id": 1, "quantity": 100}, "quantity"),
        ({"product_id": 1, "quantity": 1.5}, "quantity"),
        ({"product_id": 2**70}, "product_id"),
    ],
)
def test_add_line_rejects_bad_input_and_changes_nothing(api_client, user, product, body, field):
    response = api_client.post("/api/v1/cart/lines", body, format="json")

    assert response.status_code == 400
    assert field in response.json()["error"]["fields"]
    assert not CartLine.objects.exists()


def test_add_more_than_stock_is_a_shop_error(api_client, user, product):
    response = api_client.post("/api/v1/cart/lines", {"product_id": product.pk, "quantity": 6}, format="json")

    assert response.status_code == 400
    assert response.json()["error"]["code"] == "insufficient_stock"
    assert not CartLine.objects.exists()


def test_add_unknown_or_inactive_product(api_client, user, category, brand):
    hidden = make_product(category=category, brand=brand, is_active=False)

    for product_id in (hidden.pk, 999999):
        response = api_client.post("/api/v1/cart/lines", {"product_id": product_id}, format="json")
        assert response.status_code == 400
        assert response.json()["error"]["code"] == "product_unavailable"


def test_change_quantity(api_client, cart_with_item, product):
    response = api_client.patch(f"/api/v1/cart/lines/{product.pk}", {"quantity": 4}, format="json")

    assert response.status_code == 200
    assert response.json()["lines"][0]["quantity"] == 4


def test_quantity_zero_removes_the_line(api_client, cart_with_item, product):
    response = api_client.patch(f"/api/v1/cart/lines/{product.pk}", {"quantity": 0}, format="json")

    assert response.json()["lines"] == []


def test_change_quantity_beyond_stock_changes_nothing(api_client, cart_with_item, product):
    response = api_client.patch(f"/api/v1/cart/lines/{product.pk}", {"quantity": 50}, format="json")

    assert response.status_code == 400
    assert response.json()["error"]["code"] == "insufficient_stock"
    assert CartLine.objects.get(cart=cart_with_item).quantity == 2


@pytest.mark.parametrize("product_id", ["abc", "0", "-1", "99999999999999999999999", "\u0663"])
def test_line_of_odd_product_id_is_404(api_client, cart_with_item, product_id):
    response = api_client.patch(f"/api/v1/cart/lines/{product_id}", {"quantity": 1}, format="json")

    assert response.status_code == 404
    assert response.json()["error"]["code"] == "not_found"


def test_remove_line(api_client, cart_with_item, product):
    response = api_client.delete(f"/api/v1/cart/lines/{product.pk}")

    assert response.status_code == 200
    assert response.json()["lines"] == []
    assert not CartLine.objects.exists()


def test_remove_line_not_in_cart_is_404(api_client, cart_with_item, category, brand):
    other = make_product(category=category, brand=brand)

    assert api_client.delete(f"/api/v1/cart/lines/{other.pk}").status_code == 404


def test_another_user_never_sees_or_changes_my_cart(other_client, cart_with_item, product):
    assert other_client.get("/api/v1/cart").json()["lines"] == []
    assert other_client.patch(f"/api/v1/cart/lines/{product.pk}", {"quantity": 1}, format="json").status_code == 404
    assert other_client.delete(f"/api/v1/cart/lines/{product.pk}").status_code == 404
    assert CartLine.objects.get(cart=cart_with_item).quantity == 2


def test_session_user_needs_csrf_for_writes(user, product):
    from rest_framework.test import APIClient

    client = APIClient(enforce_csrf_checks=True)
    client.force_login(user)

    response = client.post("/api/v1/cart/lines", {"product_id": product.pk}, format="json")

    assert response.status_code == 403
    assert "CSRF" in response.json()["error"]["message"]
    assert client.get("/api/v1/cart").status_code == 200


def test_cart_query_count_does_not_grow_with_lines(
    api_client, cart_with_item, category, brand, django_assert_max_num_queries
):
    with django_assert_max_num_queries(20) as few:
        api_client.get("/api/v1/cart")
    baseline = len(few.captured_queries)
    for _ in range(5):
        cart_add(cart=cart_with_item, product_id=make_product(category=category, brand=brand).pk)

    with django_assert_max_num_queries(baseline):
        response = api_client.get("/api/v1/cart")

    assert len(response.json()["lines"]) == 6
