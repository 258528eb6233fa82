"""Events seen while a request runs: collected on the request, written once after the response.

The shop's page signals (product_viewed, search_performed, checkout_started) say what the
page is; its cart and order signals carry no request, so the tracking middleware publishes
the current request in a context variable for their receivers. Writing happens when the
response is closed, after the body has gone out, so a slow database or Redis never delays
the page.
"""

from __future__ import annotations

import contextvars
import logging
import uuid
from dataclasses import dataclass, field
from urllib.parse import urlsplit

from django.http import HttpRequest
from django.utils import timezone

from personalization.shopper import user_id_of
from personalization.tracking.schema import TrackedEvent, storable

logger = logging.getLogger(__name__)

current_request: contextvars.ContextVar[HttpRequest | None] = contextvars.ContextVar(
    "tracking_current_request", default=None
)

MAX_PATH = 500


@dataclass(frozen=True)
class PageEvent:
    """What a page was, as the shop's signal told it; the event itself is built once the response is sent."""

    type: str
    product_id: int | None = None
    context: dict = field(default_factory=dict)


def clean_referrer(value: str) -> str:
    """Scheme, host and path only: another site's query string may hold the shopper's personal data."""
    if not value:
        return ""
    parts = urlsplit(value)
    if not parts.scheme or not parts.netloc:
        return ""
    return f"{parts.scheme}://{parts.netloc}{parts.path}"[:MAX_PATH]


def event_from_request(
    request: HttpRequest,
    *,
    type: str,
    product_id: int | None = None,
    context: dict | None = None,
    value=None,
    event_uuid: str | None = None,
) -> TrackedEvent:
    now = timezone.now()
    session = getattr(request, "session", None)
    context = dict(context or {})
    # The language the page was shown in (LocaleMiddleware's choice): context for models and segments.
    if language := getattr(request, "LANGUAGE_CODE", ""):
        context.setdefault("language", language)
    return TrackedEvent(
        uuid=event_uuid or str(uuid.uuid4()),
        type=type,
        timestamp=now,
        recorded_at=now,
        visitor_id=getattr(request, "visitor_id", None) or "",
        user_id=user_id_of(request),
        session_key=(session.session_key or "") if session is not None else "",
        product_id=product_id,
        # Stripped, not refused: the server saw the event happen, and a NUL the database cannot hold means nothing.
        path=storable(request.path[:MAX_PATH]),
        referrer=storable(clean_referrer(request.META.get("HTTP_REFERER", ""))),
        context={key: storable(value) if isinstance(value, str) else value for key, value in context.items()},
        value=value,
    )


def recording_allowed(request: HttpRequest) -> bool:
    decision = getattr(request, "tracking", None)
    return bool(decision)


def defer(request: HttpRequest, event: TrackedEvent) -> None:
    request._tracking_pending.append(event)


def page_event_describe(request: HttpRequest, page_event: PageEvent) -> None:
    """Record this page as `page_event` instead of a plain page view, if it turns out to be a page view."""
    request._tracking_page_event = page_event


def described_page_event(request: HttpRequest) -> PageEvent | None:
    return getattr(request, "_tracking_page_event", None)


def write_pending(events: list[TrackedEvent]) -> None:
    from personalization.tracking.services import events_record

    try:
        events_record(events=events)
    except Exception:  # the page is already sent; losing its events must not raise into the server
        logger.exception("Could not record %d tracking events.", len(events))
