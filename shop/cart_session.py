"""The cart that belongs to a request: the user's when signed in, the session's otherwise.

An anonymous cart is remembered by its id in the session, not by the session key:
Django changes the key at login, and the cart must survive that to be merged.
"""

from __future__ import annotations

from django.contrib.auth.signals import user_logged_in
from django.db.models import Sum
from django.dispatch import receiver

from shop.models import Cart
from shop.services.cart import cart_get_or_create, cart_merge

SESSION_CART_KEY = "cart_id"


def _anonymous_cart(request) -> Cart | None:
    cart_id = request.session.get(SESSION_CART_KEY)
    if not cart_id:
        return None
    return Cart.objects.filter(pk=cart_id, user__isnull=True).first()


def request_cart(request, *, create: bool = False) -> Cart | None:
    """The shopper's cart (read once per request); with `create`, a new one if there is none yet."""
    cached = getattr(request, "_shop_cart", None)
    if cached is not None:
        return cached
    user = getattr(request, "user", None)
    signed_in = user is not None and user.is_authenticated
    cart = Cart.objects.filter(user=user).first() if signed_in else _anonymous_cart(request)
    if cart is None and create:
        if not signed_in and not request.session.session_key:
            request.session.save()
        cart = cart_get_or_create(user=user if signed_in else None, session_key=request.session.session_key)
        if not signed_in:
            request.session[SESSION_CART_KEY] = cart.pk
    if cart is not None:
        request._shop_cart = cart
    return cart


def request_cart_if_loaded(request) -> Cart | None:
    """The request's cart if this request has already read it, else None; never queries."""
    return getattr(request, "_shop_cart", None)


def request_cart_count(request) -> int:
    if not hasattr(request, "session"):
        return 0
    cart = request_cart(request)
    if cart is None:
        return 0
    return cart.lines.aggregate(n=Sum("quantity"))["n"] or 0


@receiver(user_logged_in, dispatch_uid="shop_merge_cart_at_login")
def merge_cart_at_login(sender, request, user, **kwargs):
    if request is None or not hasattr(request, "session"):
        return
    anonymous = _anonymous_cart(request)
    if anonymous is None:
        return
    target = cart_get_or_create(user=user, session_key=None)
    cart_merge(source=anonymous, target=target)
    request.session.pop(SESSION_CART_KEY, None)
    request._shop_cart = target
