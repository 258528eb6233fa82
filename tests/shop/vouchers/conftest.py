import pytest

from shop.services.cart import cart_add, cart_get_or_create
from shop.services.orders import order_place
from tests.factories import make_product


@pytest.fixture
def cart(user, product):
    """alice's cart: 2 x the 499.00 camera (subtotal 998.00)."""
    cart = cart_get_or_create(user=user, session_key=None)
    cart_add(cart=cart, product_id=product.pk, quantity=2)
    return cart


@pytest.fixture
def strap(brand):
    """A 20.00 accessory in a category of its own."""
    return make_product(name="Camera strap", brand=brand, price="20.00", stock=50)


def place(cart, user, address, **overrides):
    arguments = dict(
        cart=cart,
        user=user,
        email=getattr(user, "email", "") or "guest@example.com",
        address=address,
        shipping_method_code="standard",
        payment_method="cod",
        idempotency_key=f"key-{cart.pk}-{overrides.pop('attempt', 1)}",
    )
    arguments.update(overrides)
    return order_place(**arguments)
