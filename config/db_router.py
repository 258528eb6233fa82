"""Reads from a PostgreSQL read replica; writes, and reads that must see a write, on the primary.

With ``DATABASE_REPLICA_URL`` the settings add a ``replica`` alias, this router and the middleware
below (without it neither is installed and every query goes to ``default``). The catalogue,
search, listings, recommendations and reports read from the replica. The primary serves:

- every write, and every read inside a transaction on the primary (a service that locks stock or
  reads the cart it is about to change);
- the models whose reads decide a write or must show one at once (``PRIMARY_MODELS``): sessions,
  users, tokens, carts, orders, payments, vouchers, opt-outs;
- related objects of an object read from the primary (the router follows the instance);
- a request pinned by :class:`PrimaryReadsMiddleware`: a POST (or any unsafe method), the cart,
  checkout and account pages, and a visitor's requests for ``DATABASE_REPLICA_LAG_SECONDS`` after
  one of their writes, so the page after an action shows it although the replica lags.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar

from django.conf import settings
from django.db import connections

PRIMARY = "default"
REPLICA = "replica"
PRIMARY_MODELS = frozenset(
    {
        "sessions.session",
        "auth.user",
        "auth.group",
        "auth.permission",
        "authtoken.token",
        "shop.cart",
        "shop.cartline",
        "shop.order",
        "shop.orderline",
        "shop.orderstatuschange",
        "shop.payment",
        "vouchers.voucher",
        "vouchers.appliedvoucher",
        "vouchers.voucherredemption",
        "tracking.personalizationpreference",
        "tracking.visitorlink",
    }
)
# Views whose every read must see the visitor's own writes: their cart, checkout, orders and account.
PRIMARY_VIEW_MODULES = (
    "shop.views.cart",
    "shop.views.checkout",
    "shop.views.account",
    "shop.api.views.cart",
    "shop.api.views.checkout",
    "shop.api.views.orders",
    "shop.api.views.accounts",
)
WROTE_COOKIE = "primary_reads"
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS", "TRACE"})

_pinned: ContextVar[bool] = ContextVar("db_primary_pinned", default=False)


@contextmanager
def primary_reads() -> Iterator[None]:
    """Every read in this block goes to the primary."""
    token = _pinned.set(True)
    try:
        yield
    finally:
        _pinned.reset(token)


class ReplicaRouter:
    def db_for_read(self, model, **hints) -> str:
        instance = hints.get("instance")
        if instance is not None and instance._state.db == PRIMARY:
            return PRIMARY
        if _pinned.get() or model._meta.label_lower in PRIMARY_MODELS or connections[PRIMARY].in_atomic_block:
            return PRIMARY
        return REPLICA

    def db_for_write(self, model, **hints) -> str:
        return PRIMARY

    def allow_relation(self, obj1, obj2, **hints) -> bool:
        return True  # one database, two ways in

    def allow_migrate(self, db, app_label, model_name=None, **hints) -> bool:
        return db == PRIMARY  # the replica follows the primary's schema by replication


class PrimaryReadsMiddleware:
    """Pins a request's reads to the primary when it writes, shows the visitor's own state, or follows a write."""

    def __init__(self, get_response) -> None:
        self.get_response = get_response

    def __call__(self, request):
        writes = request.method not in SAFE_METHODS
        # Always a token: process_view may pin later, and a worker thread's context outlives the request.
        token = _pinned.set(_pinned.get() or writes or bool(request.COOKIES.get(WROTE_COOKIE)))
        try:
            response = self.get_response(request)
        finally:
            _pinned.reset(token)
        if writes:
            response.set_cookie(
                WROTE_COOKIE,
                "1",
                max_age=settings.DATABASE_REPLICA_LAG_SECONDS,
                httponly=True,
                samesite="Lax",
                secure=settings.SESSION_COOKIE_SECURE,
            )
        return response

    def process_view(self, request, view_func, view_args, view_kwargs):
        if getattr(view_func, "__module__", "").startswith(PRIMARY_VIEW_MODULES):
            _pinned.set(True)  # undone by __call__'s token
        return None
