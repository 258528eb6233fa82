from decimal import Decimal

import pytest

from personalization.tracking.models import Event, PersonalizationPreference
from shop.models import Order
from shop.services.cart import cart_add, cart_get_or_create
from shop.signals import order_placed
from tests.factories import make_product, place_order

pytestmark = pytest.mark.django_db


@pytest.fixture
def order(user, product, address, django_capture_on_commit_callbacks):
    cart = cart_get_or_create(user=user, session_key=None)
    cart_add(cart=cart, product_id=product.pk, quantity=2)
    with django_capture_on_commit_callbacks(execute=True):
        return place_order(
            user=user,
            address=address,
            products=[make_product(price="5.00")],
            idempotency_key="k-1",
            visitor_id="v-alice",
        )


def test_placing_an_order_writes_one_purchase_event_per_line(order, user, product):
    purchases = Event.objects.filter(type="purchase").order_by("value")

    assert [p.value for p in purchases] == [Decimal("5.00"), Decimal("998.00")]
    assert {p.context["order_number"] for p in purchases} == {order.number}
    assert {(p.user_id, p.visitor_id) for p in purchases} == {(user.pk, "v-alice")}
    assert purchases.last().product_id == product.pk


def test_a_repeated_order_placed_signal_counts_nothing_twice(order):
    order_placed.send(sender=Order, order=order)
    assert Event.objects.filter(type="purchase").count() == 2


def test_no_purchase_events_for_a_user_who_switched_off(user, product, address, django_capture_on_commit_callbacks):
    PersonalizationPreference.objects.create(user=user, enabled=False)
    with django_capture_on_commit_callbacks(execute=True):
        place_order(user=user, address=address, products=[product], idempotency_key="k-2", email="a@example.com")
    assert not Event.objects.filter(type="purchase").exists()
