import threading
from decimal import Decimal

import pytest
from django.conf import settings
from django.core import mail
from django.db import connection

from shop.exceptions import (
    EmptyCart,
    IdempotencyConflict,
    IllegalTransition,
    InsufficientStock,
    InvalidPaymentMethod,
    InvalidShippingMethod,
    PaymentFailed,
    ProductUnavailable,
    StaleCart,
)
from shop.models import Cart, Order, Product
from shop.services.cart import cart_add, cart_get_or_create
from shop.services.orders import order_place, order_transition
from tests.factories import make_product, make_user

S = Order.Status


@pytest.fixture
def cart_with_item(db, user, product):
    cart = cart_get_or_create(user=user, session_key=None)
    cart_add(cart=cart, product_id=product.pk, quantity=2)
    return cart


def place(cart, user, address, **overrides):
    arguments = dict(
        cart=cart,
        user=user,
        email="alice@example.com",
        address=address,
        shipping_method_code="standard",
        payment_method="cod",
        idempotency_key="key-1",
    )
    arguments.update(overrides)
    return order_place(**arguments)


@pytest.mark.django_db
def test_order_snapshots_lines_decrements_stock_and_empties_cart(cart_with_item, user, product, address):
    order = place(cart_with_item, user, address)
    line = order.lines.get()
    assert (line.product_name, line.unit_price, line.quantity) == ("Lumix G9 camera", Decimal("499.00"), 2)
    assert order.subtotal == Decimal("998.00")
    assert order.shipping_total == Decimal("0.00")  # standard shipping is free above 75
    assert order.total == Decimal("998.00")
    assert order.status == S.PENDING
    product.refresh_from_db()
    assert product.stock == 3
    assert not cart_with_item.lines.exists()


@pytest.mark.django_db(transaction=True)
def test_confirmation_email_is_sent_after_commit(cart_with_item, user, address):
    order = place(cart_with_item, user, address)
    assert len(mail.outbox) == 1
    assert order.number in mail.outbox[0].subject


@pytest.mark.django_db
def test_a_later_price_change_does_not_change_the_order(cart_with_item, user, product, address):
    order = place(cart_with_item, user, address)
    Product.objects.filter(pk=product.pk).update(price=Decimal("1.00"), name="Renamed")
    line = order.lines.get()
    assert (line.product_name, line.unit_price) == ("Lumix G9 camera", Decimal("499.00"))


@pytest.mark.django_db
def test_same_idempotency_key_gives_one_order(cart_with_item, user, product, address):
    first = place(cart_with_item, user, address)
    second = place(cart_with_item, user, address)
    assert first.pk == second.pk
    assert Order.objects.count() == 1
    product.refresh_from_db()
    assert product.stock == 3


@pytest.mark.django_db
def test_another_customer_cannot_reuse_an_idempotency_key(cart_with_item, user, other_user, address):
    place(cart_with_item, user, address)
    with pytest.raises(IdempotencyConflict):
        place(cart_get_or_create(user=other_user, session_key=None), other_user, address)


@pytest.mark.django_db
def test_stale_total_is_refused_and_nothing_is_written(cart_with_item, user, product, address):
    with pytest.raises(StaleCart):
        place(cart_with_item, user, address, expected_total=Decimal("1.00"))
    assert Order.objects.count() == 0
    product.refresh_from_db()
    assert product.stock == 5
    assert cart_with_item.lines.count() == 1


@pytest.mark.django_db
def test_stock_that_ran_out_after_adding_refuses_the_order(cart_with_item, user, product, address):
    Product.objects.filter(pk=product.pk).update(stock=1)
    with pytest.raises(InsufficientStock, match="only 1 left"):
        place(cart_with_item, user, address)
    assert Order.objects.count() == 0


@pytest.mark.django_db
def test_deactivated_product_refuses_the_order(cart_with_item, user, product, address):
    Product.objects.filter(pk=product.pk).update(is_active=False)
    with pytest.raises(ProductUnavailable):
        place(cart_with_item, user, address)
    assert Order.objects.count() == 0


@pytest.mark.django_db
def test_declined_card_rolls_everything_back(cart_with_item, user, product, address):
    with pytest.raises(PaymentFailed):
        place(cart_with_item, user, address, payment_method="test_card", card_number="4000 0000 0000 0002")
    assert Order.objects.count() == 0
    product.refresh_from_db()
    assert product.stock == 5
    assert cart_with_item.lines.count() == 1


@pytest.mark.django_db
def test_accepted_card_marks_the_order_paid(cart_with_item, user, address):
    order = place(cart_with_item, user, address, payment_method="test_card", card_number="4242424242424242")
    assert order.status == S.PAID
    assert order.payments.get().status == "captured"


@pytest.mark.django_db
def test_bad_choices_and_empty_cart_are_refused(cart_with_item, user, address):
    with pytest.raises(InvalidShippingMethod):
        place(cart_with_item, user, address, shipping_method_code="teleport")
    with pytest.raises(InvalidPaymentMethod):
        place(cart_with_item, user, address, payment_method="iou")
    empty = Cart.objects.create(session_key="empty")
    with pytest.raises(EmptyCart):
        place(empty, None, address, idempotency_key="key-2")
    assert Order.objects.count() == 0


@pytest.mark.django_db
def test_lifecycle_and_illegal_transitions(cart_with_item, user, address):
    order = place(cart_with_item, user, address)
    for status in (S.PAID, S.SHIPPED, S.DELIVERED):
        order = order_transition(order=order, to_status=status)
    with pytest.raises(IllegalTransition, match="cannot become shipped"):
        order_transition(order=order, to_status=S.SHIPPED)
    with pytest.raises(IllegalTransition):
        order_transition(order=order, to_status="teleported")
    order.refresh_from_db()
    assert order.status == S.DELIVERED
    assert list(order.status_changes.values_list("to_status", flat=True)) == ["paid", "shipped", "delivered"]


@pytest.mark.django_db
@pytest.mark.parametrize("final", [S.CANCELLED, S.REFUNDED])
def test_cancel_and_refund_restock(cart_with_item, user, product, address, final):
    order = place(cart_with_item, user, address)
    if final == S.REFUNDED:
        order = order_transition(order=order, to_status=S.PAID)
    order_transition(order=order, to_status=final)
    product.refresh_from_db()
    assert product.stock == 5
    with pytest.raises(IllegalTransition):
        order_transition(order=order, to_status=S.PAID)
    product.refresh_from_db()
    assert product.stock == 5


@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(not settings.USING_POSTGRES, reason="row locks need PostgreSQL (set DATABASE_URL)")
def test_twenty_buyers_of_the_last_five_units(address, shipping_methods):
    # given 20 shoppers, each with the product in their cart, and 5 units left
    product = make_product(stock=5)
    buyers = []
    for n in range(20):
        buyer = make_user(username=f"buyer{n}")
        cart = cart_get_or_create(user=buyer, session_key=None)
        cart_add(cart=cart, product_id=product.pk, quantity=1)
        buyers.append((buyer, cart))
    barrier = threading.Barrier(len(buyers))
    outcomes = []

    def buy(buyer, cart):
        try:
            barrier.wait()
            place(cart, buyer, address, idempotency_key=f"k-{buyer.pk}")
            outcomes.append("ok")
        except InsufficientStock:
            outcomes.append("sold out")
        except Exception as error:  # recorded so the assertion shows it
            outcomes.append(repr(error))
        finally:
            connection.close()

    # when they all check out at once
    threads = [threading.Thread(target=buy, args=pair) for pair in buyers]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    # then exactly five orders exist and stock is zero, never negative
    product.refresh_from_db()
    assert outcomes.count("ok") == 5, outcomes
    assert outcomes.count("sold out") == 15, outcomes
    assert Order.objects.count() == 5
    assert product.stock == 0


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(not settings.USING_POSTGRES, reason="row locks need PostgreSQL (set DATABASE_URL)")
def test_one_cart_checked_out_ten_times_at_once_makes_one_order(address, shipping_methods):
    # given one cart with two units, stock for many orders, and ten submits with different keys
    product = make_product(stock=100)
    buyer = make_user(username="double-clicker")
    cart = cart_get_or_create(user=buyer, session_key=None)
    cart_add(cart=cart, product_id=product.pk, quantity=2)
    barrier = threading.Barrier(10)
    outcomes = []

    def submit(n):
        try:
            barrier.wait()
            place(cart, buyer, address, idempotency_key=f"attempt-{n}")
            outcomes.append("ok")
        except EmptyCart:
            outcomes.append("empty")
        except Exception as error:  # recorded so the assertion shows it
            outcomes.append(repr(error))
        finally:
            connection.close()

    # when they all check the cart out at once
    threads = [threading.Thread(target=submit, args=(n,)) for n in range(10)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    # then one order took the cart, the others found it empty, and the stock moved once
    product.refresh_from_db()
    assert sorted(outcomes) == ["empty"] * 9 + ["ok"], outcomes
    assert Order.objects.count() == 1
    assert product.stock == 98
