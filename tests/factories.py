"""Small factories for tests: each builds a valid object with overridable fields."""

from __future__ import annotations

import itertools
from decimal import Decimal

from django.contrib.auth import get_user_model

from shop.models import Brand, Category, Product

_seq = itertools.count(1)


def make_category(*, name: str | None = None, parent: Category | None = None, **fields) -> Category:
    n = next(_seq)
    name = name or f"Category {n}"
    return Category.objects.create(name=name, slug=fields.pop("slug", f"category-{n}"), parent=parent, **fields)


def make_brand(*, name: str | None = None) -> Brand:
    n = next(_seq)
    return Brand.objects.create(name=name or f"Brand {n}", slug=f"brand-{n}")


def make_product(
    *,
    name: str | None = None,
    category: Category | None = None,
    brand: Brand | None = None,
    price: str | Decimal = "10.00",
    stock: int = 10,
    **fields,
) -> Product:
    n = next(_seq)
    return Product.objects.create(
        name=name or f"Product {n}",
        slug=fields.pop("slug", f"product-{n}"),
        sku=fields.pop("sku", f"SKU-{n:06d}"),
        category=category or make_category(),
        brand=brand or make_brand(),
        price=Decimal(str(price)),
        stock=stock,
        **fields,
    )


def make_user(*, username: str | None = None, password: str = "correct-horse-battery", **fields):
    n = next(_seq)
    username = username or f"shopper{n}"
    return get_user_model().objects.create_user(
        username=username, email=fields.pop("email", f"{username}@example.com"), password=password, **fields
    )


def place_order(*, user, address, products, idempotency_key: str, quantity: int = 1, **fields):
    """One cash-on-delivery order of the user for these products, through the cart and checkout services."""
    from shop.services.cart import cart_add, cart_get_or_create
    from shop.services.orders import order_place

    cart = cart_get_or_create(user=user, session_key=None)
    for product in products:
        cart_add(cart=cart, product_id=product.pk, quantity=quantity)
    return order_place(
        cart=cart,
        user=user,
        email=fields.pop("email", "alice@example.com"),
        address=address,
        shipping_method_code=fields.pop("shipping_method_code", "standard"),
        payment_method=fields.pop("payment_method", "cod"),
        idempotency_key=idempotency_key,
        **fields,
    )
