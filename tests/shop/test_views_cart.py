"""Cart page and the add / update / remove actions."""

import pytest
from django.urls import reverse

from shop.models import CartLine
from tests.factories import make_product
from tests.shop.conftest import messages_of

pytestmark = pytest.mark.django_db


def quantities(client) -> dict[int, int]:
    return dict(CartLine.objects.filter(cart_id=client.session.get("cart_id")).values_list("product_id", "quantity"))


def test_empty_cart_page(client):
    # when
    response = client.get(reverse("shop:cart"))
    # then
    assert response.status_code == 200
    assert "Your cart is empty." in response.text


def test_add_puts_the_product_in_the_cart(client, product):
    # when
    response = client.post(reverse("shop:cart_add"), {"product_id": product.pk, "quantity": "2"})
    # then
    assert response.status_code == 302
    assert response["Location"] == reverse("shop:cart")
    assert quantities(client) == {product.pk: 2}
    assert messages_of(response) == [f"Added {product.name} to your cart."]


def test_add_redirects_to_a_safe_next(client, product):
    # when
    response = client.post(reverse("shop:cart_add"), {"product_id": product.pk, "next": "/search/?q=x"})
    # then
    assert response["Location"] == "/search/?q=x"


def test_add_ignores_an_external_next(client, product):
    # when
    response = client.post(reverse("shop:cart_add"), {"product_id": product.pk, "next": "https://evil.example/"})
    # then
    assert response["Location"] == reverse("shop:cart")


def test_cart_page_shows_lines_and_subtotal(cart_client, product):
    # when
    response = cart_client.get(reverse("shop:cart"))
    # then
    assert product.name in response.text
    assert "$998.00" in response.text
    assert f'href="{reverse("shop:checkout")}"' in response.text


def test_header_counts_items_in_the_cart(cart_client):
    # when
    response = cart_client.get(reverse("shop:home"))
    # then
    assert "data-cart-count>2</span>" in response.text


@pytest.mark.parametrize(
    ("quantity", "message"),
    [
        ("-1", "Quantity must be a whole number of at least 1."),
        ("0", "Quantity must be a whole number of at least 1."),
        ("abc", "Quantity must be a whole number of at least 1."),
        ("1.5", "Quantity must be a whole number of at least 1."),
        ("", "Quantity must be a whole number of at least 1."),
        ("100", "At most 99 of one product per order."),
        ("6", "Only 5 of Lumix G9 camera left in stock."),
    ],
)
def test_add_with_bad_quantity_is_refused_with_a_message(cart_client, product, quantity, message):
    # when
    response = cart_client.post(reverse("shop:cart_add"), {"product_id": product.pk, "quantity": quantity})
    # then
    assert response.status_code == 302
    assert response["Location"] == product.get_absolute_url()
    assert messages_of(response) == [message]
    assert quantities(cart_client) == {product.pk: 2}


@pytest.mark.parametrize("product_id", ["999999", "abc", "", "99999999999999999999999"])
def test_add_of_unknown_product_is_refused(cart_client, product, product_id):
    # when
    response = cart_client.post(reverse("shop:cart_add"), {"product_id": product_id, "quantity": "1"})
    # then
    assert response["Location"] == reverse("shop:cart")
    assert messages_of(response) == ["This product does not exist."]
    assert quantities(cart_client) == {product.pk: 2}


def test_add_of_inactive_product_is_refused(cart_client, product, category):
    # given
    retired = make_product(name="Old lens", category=category, is_active=False)
    # when
    response = cart_client.post(reverse("shop:cart_add"), {"product_id": retired.pk, "quantity": "1"})
    # then
    assert messages_of(response) == ["Old lens is no longer sold."]
    assert quantities(cart_client) == {product.pk: 2}


def test_add_of_sold_out_product_is_refused(client, category):
    # given
    sold_out = make_product(name="Sold out lens", category=category, stock=0)
    # when
    response = client.post(reverse("shop:cart_add"), {"product_id": sold_out.pk, "quantity": "1"})
    # then
    assert messages_of(response) == ["Sold out lens is out of stock."]
    assert quantities(client) == {}


@pytest.mark.parametrize("name", ["shop:cart_add", "shop:cart_update", "shop:cart_remove"])
def test_cart_actions_refuse_get(client, name):
    # when
    response = client.get(reverse(name))
    # then
    assert response.status_code == 405


def test_update_sets_the_quantity(cart_client, product):
    # when
    response = cart_client.post(reverse("shop:cart_update"), {"product_id": product.pk, "quantity": "4"})
    # then
    assert response["Location"] == reverse("shop:cart")
    assert quantities(cart_client) == {product.pk: 4}
    assert messages_of(response) == ["Cart updated."]


def test_update_to_zero_removes_the_line(cart_client, product):
    # when
    response = cart_client.post(reverse("shop:cart_update"), {"product_id": product.pk, "quantity": "0"})
    # then
    assert quantities(cart_client) == {}
    assert messages_of(response) == ["Removed from your cart."]


@pytest.mark.parametrize(
    ("quantity", "message"),
    [
        ("-3", "Quantity must be a whole number of at least 1."),
        ("many", "Quantity must be a whole number of at least 1."),
        ("9", "Only 5 of Lumix G9 camera left in stock."),
    ],
)
def test_update_with_bad_quantity_keeps_the_cart(cart_client, product, quantity, message):
    # when
    response = cart_client.post(reverse("shop:cart_update"), {"product_id": product.pk, "quantity": quantity})
    # then
    assert response["Location"] == reverse("shop:cart")
    assert messages_of(response) == [message]
    assert quantities(cart_client) == {product.pk: 2}


def test_update_of_product_not_in_cart_is_refused(cart_client, product, category):
    # given
    other = make_product(name="Other lens", category=category)
    # when
    response = cart_client.post(reverse("shop:cart_update"), {"product_id": other.pk, "quantity": "1"})
    # then
    assert messages_of(response) == ["Other lens is not in your cart."]
    assert quantities(cart_client) == {product.pk: 2}


def test_remove_deletes_the_line(cart_client, product):
    # when
    response = cart_client.post(reverse("shop:cart_remove"), {"product_id": product.pk})
    # then
    assert quantities(cart_client) == {}
    assert messages_of(response) == ["Removed from your cart."]


@pytest.mark.parametrize("product_id", ["abc", "", "424242"])
def test_remove_with_bad_product_id_keeps_the_cart(cart_client, product, product_id):
    # when
    response = cart_client.post(reverse("shop:cart_remove"), {"product_id": product_id})
    # then
    assert response.status_code == 302
    assert len(messages_of(response)) == 1
    assert quantities(cart_client) == {product.pk: 2}


def test_cart_page_flags_a_line_that_went_out_of_stock(cart_client, product):
    # given
    product.stock = 1
    product.save(update_fields=["stock"])
    # when
    response = cart_client.get(reverse("shop:cart"))
    # then
    assert "Only 1 left" in response.text
    assert "Checkout unavailable" in response.text
