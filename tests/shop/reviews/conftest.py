import uuid
from datetime import timedelta

import pytest
from django.utils import timezone

from shop.models import Order
from shop.services.orders import order_transition
from tests.factories import make_user, place_order


def deliver(*, user, address, product) -> Order:
    """An order of `product` by `user`, paid, shipped and delivered through the order service."""
    order = place_order(user=user, address=address, products=[product], idempotency_key=uuid.uuid4().hex)
    for status in (Order.Status.PAID, Order.Status.SHIPPED, Order.Status.DELIVERED):
        order_transition(order=order, to_status=status)
    return order


def old_user(username: str):
    """An account older than the burst rule's age, so its 5-star reviews are never a burst."""
    return make_user(username=username, date_joined=timezone.now() - timedelta(days=365))


@pytest.fixture
def buyer(address, product, shipping_methods):
    """A shopper of long standing who received `product`."""
    shopper = old_user("buyer")
    deliver(user=shopper, address=address, product=product)
    return shopper


@pytest.fixture
def reader(db):
    return old_user("reader")
