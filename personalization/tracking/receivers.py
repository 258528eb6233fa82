"""Signal receivers: link visitors at login, rotate them at logout, record what the shop says happened.

The shop's page signals describe the page's event (a product view, a search, a checkout start),
which the tracking middleware records once the response shows it was a page view; cart changes
and purchases are recorded as they are reported.
"""

from __future__ import annotations

import uuid

from django.contrib.auth.signals import user_logged_in, user_logged_out
from django.core.signals import setting_changed
from django.db import transaction
from django.dispatch import receiver
from django.utils import timezone

from personalization.tracking import buffer
from personalization.tracking.capture import (
    PageEvent,
    current_request,
    defer,
    event_from_request,
    page_event_describe,
    recording_allowed,
    write_pending,
)
from personalization.tracking.models import Event
from personalization.tracking.policy import user_enabled_personalization
from personalization.tracking.schema import TrackedEvent
from personalization.tracking.services import visitor_link_create
from shop.signals import (
    cart_changed,
    checkout_started,
    order_placed,
    product_viewed,
    review_voted,
    review_written,
    search_performed,
)

# Purchase event ids derive from the order line, so a repeated signal stores nothing twice.
PURCHASE_NAMESPACE = uuid.UUID("6f1c2a4e-3d0b-4c55-9a7e-2b8f0d1e9c30")
MAX_QUERY = 200
MAX_LIST_ID = 64


@receiver(user_logged_in, dispatch_uid="tracking_link_visitor_at_login")
def link_visitor_at_login(sender, request, user, **kwargs):
    visitor_id = getattr(request, "visitor_id", None) if request is not None else None
    if visitor_id:
        visitor_link_create(user=user, visitor_id=visitor_id)


@receiver(user_logged_out, dispatch_uid="tracking_rotate_visitor_at_logout")
def rotate_visitor_at_logout(sender, request, user, **kwargs):
    if request is not None:
        request._tracking_rotate_visitor = True


@receiver(product_viewed, dispatch_uid="tracking_record_product_view")
def record_product_view(sender, request, product, **kwargs):
    if recording_allowed(request):
        page_event_describe(request, PageEvent(type=Event.Type.PRODUCT_VIEW, product_id=product.pk))


@receiver(search_performed, dispatch_uid="tracking_record_search")
def record_search(sender, request, query, result_count, corrected_query="", list_id="", **kwargs):
    if recording_allowed(request):
        # The corrected query and the list id tie the clicks to what was searched and shown (intents, rankers).
        context = {
            "query": query[:MAX_QUERY],
            "corrected_query": (corrected_query or query)[:MAX_QUERY],
            "list_id": list_id[:MAX_LIST_ID],
            "result_count": result_count,
        }
        page_event_describe(request, PageEvent(type=Event.Type.SEARCH, context=context))


@receiver(checkout_started, dispatch_uid="tracking_record_checkout_start")
def record_checkout_start(sender, request, **kwargs):
    if recording_allowed(request):
        page_event_describe(request, PageEvent(type=Event.Type.CHECKOUT_START))


@receiver(cart_changed, dispatch_uid="tracking_record_cart_change")
def record_cart_change(sender, cart, product, quantity_delta, **kwargs):
    request = current_request.get()
    if request is None or not recording_allowed(request) or not quantity_delta:
        return
    event = event_from_request(
        request,
        type=Event.Type.ADD_TO_CART if quantity_delta > 0 else Event.Type.REMOVE_FROM_CART,
        product_id=product.pk,
        context={"quantity": abs(quantity_delta)},
    )
    transaction.on_commit(lambda: defer(request, event))


@receiver(order_placed, dispatch_uid="tracking_record_purchase")
def record_purchase(sender, order, **kwargs):
    request = current_request.get()
    if request is not None and not recording_allowed(request):
        return
    if request is None and order.user_id is not None and not user_enabled_personalization(order.user_id):
        return
    request_visitor = getattr(request, "visitor_id", None) if request is not None else None
    session = getattr(request, "session", None) if request is not None else None
    events = [
        TrackedEvent(
            uuid=str(uuid.uuid5(PURCHASE_NAMESPACE, f"{order.number}:{line.pk}")),
            type=Event.Type.PURCHASE,
            timestamp=order.created_at,
            recorded_at=order.created_at,
            visitor_id=order.visitor_id or request_visitor or "",
            user_id=order.user_id,
            session_key=(session.session_key or "") if session is not None else "",
            product_id=line.product_id,
            path=request.path[:500] if request is not None else "",
            context={"order_number": order.number, "quantity": line.quantity, "currency": order.currency},
            value=line.line_total,
        )
        for line in order.lines.all()
    ]
    if request is not None:
        for event in events:
            defer(request, event)
    else:
        write_pending(events)


def _record_server_event(*, user_id: int, event: TrackedEvent) -> None:
    """Records a fact the store reported outside a page's own event (a review, a vote), request or not."""
    request = current_request.get()
    if request is not None and not recording_allowed(request):
        return
    if request is None and not user_enabled_personalization(user_id):
        return
    if request is not None:
        defer(request, event)
    else:
        write_pending([event])


def _server_event(*, type: str, user_id: int, product_id: int, context: dict) -> TrackedEvent:
    request = current_request.get()
    now = timezone.now()
    session = getattr(request, "session", None) if request is not None else None
    return TrackedEvent(
        uuid=str(uuid.uuid4()),
        type=type,
        timestamp=now,
        recorded_at=now,
        visitor_id=(getattr(request, "visitor_id", None) or "") if request is not None else "",
        user_id=user_id,
        session_key=(session.session_key or "") if session is not None else "",
        product_id=product_id,
        path=request.path[:500] if request is not None else "",
        context=context,
    )


@receiver(review_written, dispatch_uid="tracking_record_review_written")
def record_review_written(sender, review, created, **kwargs):
    context = {"rating": review.rating, "edited": not created, "verified_purchase": review.verified_purchase}
    event = _server_event(
        type=Event.Type.REVIEW_WRITTEN, user_id=review.user_id, product_id=review.product_id, context=context
    )
    _record_server_event(user_id=review.user_id, event=event)


@receiver(review_voted, dispatch_uid="tracking_record_review_voted")
def record_review_voted(sender, review, user, **kwargs):
    context = {"review_id": review.pk, "rating": review.rating}
    event = _server_event(type=Event.Type.REVIEW_VOTED, user_id=user.pk, product_id=review.product_id, context=context)
    _record_server_event(user_id=user.pk, event=event)


@receiver(setting_changed, dispatch_uid="tracking_reset_redis_clients")
def reset_redis_clients(sender, setting, **kwargs):
    if setting.startswith("TRACKING_REDIS"):
        buffer.reset_clients()
