"""Coupon events written by the server: applied (a code entered in a cart) and redeemed (an order used it)."""

from __future__ import annotations

import uuid

from django.db import transaction
from django.dispatch import receiver
from django.utils import timezone

from personalization.offers.models import OfferAssignment
from personalization.tracking.capture import (
    current_request,
    defer,
    event_from_request,
    recording_allowed,
    write_pending,
)
from personalization.tracking.schema import TrackedEvent
from shop.signals import order_placed
from shop.vouchers.models import Voucher, VoucherRedemption
from shop.vouchers.signals import voucher_applied

REDEEMED_NAMESPACE = uuid.UUID("9a3d7c1e-2b4f-4e8a-b6c5-7d9e0f1a2b3c")


def _campaign_key(voucher_id: int) -> str:
    return OfferAssignment.objects.filter(voucher_id=voucher_id).values_list("campaign__key", flat=True).first() or ""


@receiver(voucher_applied, sender=Voucher, dispatch_uid="offers_coupon_applied")
def record_coupon_applied(sender, cart, voucher, user=None, **kwargs):
    now = timezone.now()
    OfferAssignment.objects.filter(voucher=voucher, applied_at__isnull=True).update(applied_at=now)
    request = current_request.get()
    if request is None or not recording_allowed(request):
        return
    context = {"coupon": voucher.code}
    campaign = _campaign_key(voucher.pk)
    if campaign:
        context["campaign"] = campaign
    event = event_from_request(request, type="coupon_applied", context=context)
    transaction.on_commit(lambda: defer(request, event))


@receiver(order_placed, dispatch_uid="offers_coupon_redeemed")
def record_coupon_redeemed(sender, order, **kwargs):
    redemptions = list(
        VoucherRedemption.objects.filter(order=order, released_at__isnull=True).select_related("voucher")
    )
    if not redemptions:
        return
    voucher_ids = [r.voucher_id for r in redemptions]
    OfferAssignment.objects.filter(voucher_id__in=voucher_ids, redeemed_at__isnull=True).update(
        redeemed_at=order.created_at
    )
    campaigns = dict(
        OfferAssignment.objects.filter(voucher_id__in=voucher_ids).values_list("voucher_id", "campaign__key")
    )
    request = current_request.get()
    if request is not None and not recording_allowed(request):
        return
    session = getattr(request, "session", None) if request is not None else None
    events = [
        TrackedEvent(
            uuid=str(uuid.uuid5(REDEEMED_NAMESPACE, f"{order.number}:{r.voucher_id}")),
            type="coupon_redeemed",
            timestamp=order.created_at,
            recorded_at=timezone.now(),
            visitor_id=order.visitor_id or (getattr(request, "visitor_id", "") if request is not None else "") or "",
            user_id=order.user_id,
            session_key=(session.session_key or "") if session is not None else "",
            path=request.path[:500] if request is not None else "",
            context={
                "coupon": r.voucher.code,
                "order_number": order.number,
                **({"campaign": campaigns[r.voucher_id]} if r.voucher_id in campaigns else {}),
            },
            value=r.amount,
        )
        for r in redemptions
    ]
    if request is not None:
        for event in events:
            defer(request, event)
    else:
        write_pending(events)
