"""Placing orders and moving them through their lifecycle.

The cart row is locked first, so one cart becomes at most one order whatever the idempotency
keys. Stock rows are then locked with select_for_update in primary-key order, so two checkouts
that share products always lock in the same order and never deadlock; stock is decremented
under the lock and can never go negative.
"""

from __future__ import annotations

import logging
import secrets
from dataclasses import dataclass
from decimal import Decimal

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils.translation import gettext as _

from shop.exceptions import (
    EmptyCart,
    IdempotencyConflict,
    IllegalTransition,
    InsufficientStock,
    InvalidIdempotencyKey,
    InvalidShippingMethod,
    PaymentFailed,
    ProductUnavailable,
    StaleCart,
)
from shop.models import Cart, Order, OrderLine, OrderStatusChange, Payment, Product, ShippingMethod
from shop.payments import get_provider
from shop.pricing import compute_totals
from shop.product_cache import stock_changed
from shop.signals import order_placed, order_status_changed
from shop.vouchers.selectors import voucher_terms
from shop.vouchers.services import (
    voucher_redemptions_create,
    voucher_redemptions_release,
    vouchers_lock_for_order,
)

logger = logging.getLogger(__name__)

S = Order.Status
ALLOWED_TRANSITIONS: dict[str, set[str]] = {
    S.PENDING: {S.PAID, S.CANCELLED},
    S.PAID: {S.SHIPPED, S.CANCELLED, S.REFUNDED},
    S.SHIPPED: {S.DELIVERED, S.REFUNDED},
    S.DELIVERED: {S.REFUNDED},
    S.CANCELLED: set(),
    S.REFUNDED: set(),
}
RESTOCKING = {S.CANCELLED, S.REFUNDED}


@dataclass(frozen=True)
class ShippingAddress:
    name: str
    line1: str
    city: str
    postcode: str
    country: str = "US"
    line2: str = ""
    phone: str = ""


def _new_order_number() -> str:
    return secrets.token_hex(4).upper()


def order_place(
    *,
    cart: Cart,
    user,
    email: str,
    address: ShippingAddress,
    shipping_method_code: str,
    payment_method: str,
    idempotency_key: str,
    expected_total: Decimal | None = None,
    card_number: str = "",
    visitor_id: str = "",
) -> Order:
    """Turn a cart into an order, atomically; the same idempotency key returns the same order.

    `expected_total` is the total the shopper confirmed; if the server's total differs
    (a price changed, a line went out of stock) the order is refused as stale.
    """
    if not idempotency_key or len(idempotency_key) > 64:
        raise InvalidIdempotencyKey()
    existing = Order.objects.filter(idempotency_key=idempotency_key).first()
    if existing is not None:
        return _same_customer_or_conflict(existing, user)

    provider = get_provider(payment_method)
    shipping = ShippingMethod.objects.filter(code=shipping_method_code, is_active=True).first()
    if shipping is None:
        raise InvalidShippingMethod()

    try:
        with transaction.atomic():
            order = _place_locked(
                cart=cart,
                user=user,
                email=email,
                address=address,
                shipping=shipping,
                provider=provider,
                idempotency_key=idempotency_key,
                expected_total=expected_total,
                card_number=card_number,
                visitor_id=visitor_id,
            )
    except IntegrityError:
        # A concurrent submit with the same key won the race: give back its order.
        existing = Order.objects.filter(idempotency_key=idempotency_key).first()
        if existing is None:
            raise
        return _same_customer_or_conflict(existing, user)
    # Once committed the order stands: a listener or a follow-up that fails then (a broker or mail server
    # down) is logged, and the shopper still gets the confirmation page.
    transaction.on_commit(lambda: _announce(order_placed, order=order), robust=True)
    transaction.on_commit(lambda: _send_confirmation(order.pk), robust=True)
    return order


def _same_customer_or_conflict(order: Order, user) -> Order:
    user_id = user.pk if user is not None and user.is_authenticated else None
    if order.user_id != user_id:
        raise IdempotencyConflict()
    return order


def _place_locked(
    *, cart, user, email, address, shipping, provider, idempotency_key, expected_total, card_number, visitor_id
) -> Order:
    # The cart row is locked first and its lines read under that lock: a concurrent checkout of the
    # same cart (another idempotency key) waits here, then finds the lines gone with the first order.
    locked_cart = Cart.objects.select_for_update().filter(pk=cart.pk).first()
    if locked_cart is None:
        raise EmptyCart()
    lines = list(locked_cart.lines.select_related("product").order_by("product_id"))
    if not lines:
        raise EmptyCart()
    product_ids = [line.product_id for line in lines]
    locked = {p.pk: p for p in Product.objects.select_for_update().filter(pk__in=product_ids).order_by("pk")}
    for line in lines:
        line.product = locked[line.product_id]
        if not line.product.is_active:
            raise ProductUnavailable(
                _("%(product)s is no longer sold; remove it from your cart.") % {"product": line.product.name}
            )
        if line.quantity > line.product.stock:
            left = line.product.stock
            if left == 0:
                raise InsufficientStock(_("%(product)s is out of stock.") % {"product": line.product.name})
            raise InsufficientStock(
                _("%(product)s has only %(left)d left.") % {"product": line.product.name, "left": left}
            )

    # Locked after the products: every checkout takes its locks in the same order.
    vouchers = vouchers_lock_for_order(cart=locked_cart, user=user, email=email)
    totals = compute_totals(lines, shipping_method=shipping, vouchers=[voucher_terms(v) for v in vouchers])
    for outcome in totals.vouchers:
        if outcome.error is not None:
            raise outcome.error
    if expected_total is not None and totals.total != expected_total:
        raise StaleCart()

    is_user = user is not None and user.is_authenticated
    order = Order.objects.create(
        number=_new_order_number(),
        user=user if is_user else None,
        email=email,
        idempotency_key=idempotency_key,
        visitor_id=visitor_id,
        shipping_name=address.name,
        shipping_line1=address.line1,
        shipping_line2=address.line2,
        shipping_city=address.city,
        shipping_postcode=address.postcode,
        shipping_country=address.country,
        shipping_phone=address.phone,
        shipping_method=shipping,
        shipping_method_name=shipping.name,
        subtotal=totals.subtotal,
        discount_total=totals.discount,
        shipping_total=totals.shipping,
        total=totals.total,
        currency=settings.SHOP_CURRENCY,
        payment_method=provider.code,
    )
    order_lines = OrderLine.objects.bulk_create(
        OrderLine(
            order=order,
            product=priced.product,
            product_name=priced.product.name,
            product_sku=priced.product.sku,
            unit_price=priced.unit_price,
            quantity=priced.quantity,
            line_total=priced.line_total,
        )
        for priced in totals.lines
    )
    if vouchers:
        line_ids = {line.product_id: line.pk for line in order_lines}
        voucher_redemptions_create(order=order, cart=locked_cart, vouchers=vouchers, totals=totals, line_ids=line_ids)
    for line in lines:
        # The F() update plus the PositiveIntegerField check constraint make negative stock impossible.
        Product.objects.filter(pk=line.product_id).update(stock=F("stock") - line.quantity)
    transaction.on_commit(stock_changed, robust=True)  # lists cached under the stock version are computed again

    result = provider.charge(
        amount=order.total, currency=order.currency, order_number=order.number, card_number=card_number
    )
    if result.declined_reason:
        raise PaymentFailed(result.declined_reason)
    Payment.objects.create(
        order=order,
        provider=provider.code,
        amount=order.total,
        reference=result.reference,
        status=Payment.Status.CAPTURED if result.captured else Payment.Status.PENDING,
    )
    if result.captured:
        _record_transition(order, S.PAID, by=None, note=f"Paid by {provider.name}")
    locked_cart.lines.all().delete()
    return order


def _record_transition(order: Order, to_status: str, *, by, note: str) -> None:
    from_status = order.status
    order.status = to_status
    order.save(update_fields=["status", "updated_at"])
    OrderStatusChange.objects.create(
        order=order, from_status=from_status, to_status=to_status, changed_by=by, note=note[:200]
    )


def order_transition(
    *, order: Order, to_status: str, by=None, note: str = "", only_from: set[str] | None = None
) -> Order:
    """Move an order to a new status; cancel and refund put the stock back.

    `only_from` narrows the allowed starting statuses (a customer may cancel only a pending
    order); it is checked under the row lock, so a concurrent payment cannot slip between.
    """
    if to_status not in S.values:
        raise IllegalTransition(f"Unknown status {to_status!r}.")
    with transaction.atomic():
        order = Order.objects.select_for_update().get(pk=order.pk)
        from_status = order.status
        if only_from is not None and from_status not in only_from:
            raise IllegalTransition(
                f"This order is {order.get_status_display().lower()} and can no longer change here."
            )
        if to_status not in ALLOWED_TRANSITIONS[from_status]:
            raise IllegalTransition(
                f"An order that is {order.get_status_display().lower()} cannot become {S(to_status).label.lower()}."
            )
        if to_status in RESTOCKING:
            lines = list(order.lines.exclude(product=None).order_by("product_id"))
            list(Product.objects.select_for_update().filter(pk__in=[ln.product_id for ln in lines]).order_by("pk"))
            for line in lines:
                Product.objects.filter(pk=line.product_id).update(stock=F("stock") + line.quantity)
            transaction.on_commit(stock_changed, robust=True)
            voucher_redemptions_release(order=order)
        if to_status == S.PAID:
            order.payments.filter(status=Payment.Status.PENDING).update(status=Payment.Status.CAPTURED)
        if to_status == S.REFUNDED:
            order.payments.filter(status=Payment.Status.CAPTURED).update(status=Payment.Status.REFUNDED)
        _record_transition(order, to_status, by=by, note=note)
    transaction.on_commit(
        lambda: _announce(order_status_changed, order=order, from_status=from_status, to_status=to_status),
        robust=True,
    )
    return order


def _announce(signal, **kwargs) -> None:
    """Sends a signal of a committed order to every listener, logging those that fail instead of stopping at them."""
    for receiver, result in signal.send_robust(sender=Order, **kwargs):
        if isinstance(result, Exception):
            logger.error("Listener %s failed on order %s", receiver, kwargs["order"].number, exc_info=result)


def _send_confirmation(order_pk: int) -> None:
    from shop.emails import send_order_confirmation

    send_order_confirmation(order_pk=order_pk)
