"""Writes to carts: create, add, change quantity, remove, merge at login."""

from __future__ import annotations

from django.contrib.auth.models import AbstractBaseUser
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from shop.exceptions import InsufficientStock, InvalidQuantity, ProductUnavailable
from shop.models import Cart, CartLine, Product
from shop.signals import cart_changed

MAX_LINE_QUANTITY = 99


def _clean_quantity(quantity, *, allow_zero: bool = False) -> int:
    try:
        value = int(quantity)
    except (TypeError, ValueError):
        raise InvalidQuantity() from None
    if value != quantity and str(value) != str(quantity).strip():
        raise InvalidQuantity()
    if value < (0 if allow_zero else 1):
        raise InvalidQuantity()
    if value > MAX_LINE_QUANTITY:
        raise InvalidQuantity(_("At most %(max)d of one product per order.") % {"max": MAX_LINE_QUANTITY})
    return value


def _purchasable_product(product_id) -> Product:
    try:
        product = Product.objects.get(pk=int(product_id))
    except (Product.DoesNotExist, TypeError, ValueError):
        raise ProductUnavailable(_("This product does not exist.")) from None
    if not product.is_active:
        raise ProductUnavailable(_("%(product)s is no longer sold.") % {"product": product.name})
    return product


def _check_stock(product: Product, quantity: int) -> None:
    if quantity > product.stock:
        if product.stock == 0:
            raise InsufficientStock(_("%(product)s is out of stock.") % {"product": product.name})
        raise InsufficientStock(
            _("Only %(stock)d of %(product)s left in stock.") % {"stock": product.stock, "product": product.name}
        )


def _lock(cart: Cart) -> None:
    """Lock the cart row before its lines, as checkout does: a change lands wholly before or after an order."""
    list(Cart.objects.select_for_update().filter(pk=cart.pk).values_list("pk", flat=True))


def cart_get_or_create(*, user: AbstractBaseUser | None, session_key: str | None) -> Cart:
    """The signed-in user's cart, or the session's anonymous cart."""
    if user is not None and user.is_authenticated:
        cart = Cart.objects.filter(user=user).first()
        if cart is None:
            try:
                with transaction.atomic():
                    cart = Cart.objects.create(user=user)
            except IntegrityError:  # two first requests of a new user raced
                cart = Cart.objects.get(user=user)
        return cart
    if not session_key:
        raise ValueError("An anonymous cart needs a session key.")
    cart = Cart.objects.filter(user__isnull=True, session_key=session_key).order_by("pk").first()
    return cart or Cart.objects.create(session_key=session_key)


def cart_add(*, cart: Cart, product_id, quantity=1) -> CartLine:
    """Add `quantity` of a product; the line's new total must fit the stock."""
    quantity = _clean_quantity(quantity)
    product = _purchasable_product(product_id)
    with transaction.atomic():
        _lock(cart)
        line = CartLine.objects.select_for_update().filter(cart=cart, product=product).first()
        new_quantity = quantity + (line.quantity if line else 0)
        if new_quantity > MAX_LINE_QUANTITY:
            raise InvalidQuantity(_("At most %(max)d of one product per order.") % {"max": MAX_LINE_QUANTITY})
        _check_stock(product, new_quantity)
        if line:
            line.quantity = new_quantity
            line.save(update_fields=["quantity"])
        else:
            line = CartLine.objects.create(cart=cart, product=product, quantity=quantity)
        cart.save(update_fields=["updated_at"])
    cart_changed.send(sender=Cart, cart=cart, product=product, quantity_delta=quantity)
    return line


def cart_set_quantity(*, cart: Cart, product_id, quantity) -> CartLine | None:
    """Set a line's quantity; 0 removes the line."""
    quantity = _clean_quantity(quantity, allow_zero=True)
    if quantity == 0:
        cart_remove(cart=cart, product_id=product_id)
        return None
    product = _purchasable_product(product_id)
    with transaction.atomic():
        _lock(cart)
        line = CartLine.objects.select_for_update().filter(cart=cart, product=product).first()
        if line is None:
            raise ProductUnavailable(_("%(product)s is not in your cart.") % {"product": product.name})
        _check_stock(product, quantity)
        delta = quantity - line.quantity
        line.quantity = quantity
        line.save(update_fields=["quantity"])
        cart.save(update_fields=["updated_at"])
    if delta:
        cart_changed.send(sender=Cart, cart=cart, product=product, quantity_delta=delta)
    return line


def cart_remove(*, cart: Cart, product_id) -> None:
    try:
        product_pk = int(product_id)
    except (TypeError, ValueError):
        raise ProductUnavailable(_("This product does not exist.")) from None
    with transaction.atomic():
        _lock(cart)
        line = CartLine.objects.filter(cart=cart, product_id=product_pk).select_related("product").first()
        if line is None:
            raise ProductUnavailable(_("This product is not in your cart."))
        line.delete()
        cart.save(update_fields=["updated_at"])
    cart_changed.send(sender=Cart, cart=cart, product=line.product, quantity_delta=-line.quantity)


def cart_merge(*, source: Cart, target: Cart) -> Cart:
    """Move an anonymous cart's lines into the user's cart at login; quantities add up, capped by stock."""
    if source.pk == target.pk:
        return target
    with transaction.atomic():
        # Both carts locked in primary-key order, like checkout's locks, so two merges never deadlock.
        list(Cart.objects.select_for_update().filter(pk__in=[source.pk, target.pk]).order_by("pk"))
        existing = {line.product_id: line for line in target.lines.select_for_update()}
        for line in source.lines.select_related("product"):
            if not line.product.is_active:
                continue
            if line.product_id in existing:
                kept = existing[line.product_id]
                kept.quantity = min(kept.quantity + line.quantity, line.product.stock, MAX_LINE_QUANTITY)
                if kept.quantity >= 1:
                    kept.save(update_fields=["quantity"])
            else:
                quantity = min(line.quantity, line.product.stock, MAX_LINE_QUANTITY)
                if quantity >= 1:
                    CartLine.objects.create(cart=target, product=line.product, quantity=quantity)
        source.delete()
        target.save(update_fields=["updated_at"])
    return target


def cart_clear(*, cart: Cart) -> None:
    with transaction.atomic():
        _lock(cart)
        cart.lines.all().delete()
