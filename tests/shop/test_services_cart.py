import pytest

from shop.exceptions import InsufficientStock, InvalidQuantity, ProductUnavailable
from shop.models import Cart, CartLine
from shop.services.cart import cart_add, cart_get_or_create, cart_merge, cart_remove, cart_set_quantity
from tests.factories import make_product

pytestmark = pytest.mark.django_db


@pytest.fixture
def cart(user):
    return cart_get_or_create(user=user, session_key=None)


def test_add_creates_a_line_and_adds_up(cart, product):
    cart_add(cart=cart, product_id=product.pk, quantity=2)
    line = cart_add(cart=cart, product_id=product.pk, quantity=1)
    assert line.quantity == 3
    assert cart.lines.count() == 1


@pytest.mark.parametrize("quantity", [0, -1, "abc", "1.5", 2.5, None, 1000])
def test_add_refuses_bad_quantities_and_changes_nothing(cart, product, quantity):
    with pytest.raises(InvalidQuantity):
        cart_add(cart=cart, product_id=product.pk, quantity=quantity)
    assert not cart.lines.exists()


def test_add_refuses_more_than_stock(cart, product):
    cart_add(cart=cart, product_id=product.pk, quantity=4)
    with pytest.raises(InsufficientStock, match="Only 5"):
        cart_add(cart=cart, product_id=product.pk, quantity=2)
    assert cart.lines.get().quantity == 4


def test_add_refuses_unknown_and_inactive_products(cart):
    inactive = make_product(is_active=False)
    with pytest.raises(ProductUnavailable):
        cart_add(cart=cart, product_id=999999, quantity=1)
    with pytest.raises(ProductUnavailable):
        cart_add(cart=cart, product_id="not-a-number", quantity=1)
    with pytest.raises(ProductUnavailable, match="no longer sold"):
        cart_add(cart=cart, product_id=inactive.pk, quantity=1)
    assert not cart.lines.exists()


def test_set_quantity_to_zero_removes_the_line(cart, product):
    cart_add(cart=cart, product_id=product.pk, quantity=2)
    assert cart_set_quantity(cart=cart, product_id=product.pk, quantity="0") is None
    assert not cart.lines.exists()


def test_set_quantity_above_stock_keeps_the_old_quantity(cart, product):
    cart_add(cart=cart, product_id=product.pk, quantity=2)
    with pytest.raises(InsufficientStock):
        cart_set_quantity(cart=cart, product_id=product.pk, quantity=6)
    assert cart.lines.get().quantity == 2


def test_remove_a_product_not_in_the_cart_is_a_clear_error(cart, product):
    with pytest.raises(ProductUnavailable, match="not in your cart"):
        cart_remove(cart=cart, product_id=product.pk)


def test_anonymous_cart_needs_a_session_key():
    with pytest.raises(ValueError):
        cart_get_or_create(user=None, session_key="")


def test_merge_adds_quantities_capped_by_stock(cart, product):
    # given an anonymous cart and a user cart holding the same product
    other = make_product(stock=3)
    anonymous = Cart.objects.create(session_key="abc")
    cart_add(cart=anonymous, product_id=product.pk, quantity=4)
    cart_add(cart=anonymous, product_id=other.pk, quantity=3)
    cart_add(cart=cart, product_id=product.pk, quantity=3)
    # when they merge at login
    merged = cart_merge(source=anonymous, target=cart)
    # then quantities add up to the stock and the anonymous cart is gone
    quantities = dict(merged.lines.values_list("product_id", "quantity"))
    assert quantities == {product.pk: 5, other.pk: 3}
    assert not Cart.objects.filter(pk=anonymous.pk).exists()
    assert CartLine.objects.count() == 2
