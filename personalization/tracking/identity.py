"""Who a request comes from: the first-party visitor id, and the user it is linked to.

Browsers get a random id in a signed, HttpOnly cookie that only the server issues.
The mobile app sends `X-Visitor-Id`: either a value this server signed, or a raw
UUID the app generated at install. Raw UUIDs are accepted because an app cannot
read an HttpOnly cookie, but they live in their own namespace (`app-<hex>`), so a
header can never claim a browser's id.
"""

from __future__ import annotations

import uuid

from django.conf import settings
from django.core import signing
from django.http import HttpRequest, HttpResponse

VISITOR_COOKIE = "vid"
VISITOR_HEADER = "HTTP_X_VISITOR_ID"
SIGNING_SALT = "personalization.tracking.visitor"
APP_PREFIX = "app-"


def new_visitor_id() -> str:
    return uuid.uuid4().hex


def _signer() -> signing.Signer:
    # One signer for the cookie and the header, so an app may send back what a browser holds.
    return signing.Signer(salt=SIGNING_SALT)


def _unsign(value: str) -> str | None:
    try:
        visitor_id = _signer().unsign(value)
    except signing.BadSignature:
        return None
    return visitor_id if 0 < len(visitor_id) <= 64 else None


def sign_visitor_id(visitor_id: str) -> str:
    """The value a client stores and sends back (cookie or header)."""
    return _signer().sign(visitor_id)


def visitor_id_from_header(value: str) -> str | None:
    value = value.strip()
    if not value:
        return None
    signed = _unsign(value)
    if signed is not None:
        return signed
    try:
        return APP_PREFIX + uuid.UUID(value).hex
    except ValueError:
        return None


def visitor_id_from_request(request: HttpRequest) -> str | None:
    """Unsigns what the request carries: VisitorIdMiddleware calls it once; others ask personalization.shopper."""
    header = request.META.get(VISITOR_HEADER)
    if header:
        return visitor_id_from_header(header)
    cookie = request.COOKIES.get(VISITOR_COOKIE)
    return _unsign(cookie) if cookie else None


def set_visitor_cookie(response: HttpResponse, visitor_id: str) -> None:
    response.set_cookie(
        VISITOR_COOKIE,
        sign_visitor_id(visitor_id),
        max_age=settings.TRACKING_VISITOR_COOKIE_AGE,
        httponly=True,
        samesite="Lax",
        secure=not settings.DEBUG,
    )
