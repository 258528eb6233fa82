"""Reads of the offers app: live campaigns, what a campaign has committed of its budget, the champion model."""

from __future__ import annotations

from datetime import datetime, timedelta
from decimal import Decimal

from django.core.cache import cache
from django.db.models import Avg, Max, Q, QuerySet, Sum
from django.utils import timezone

from personalization.offers.models import CouponCampaign, OfferAssignment, UpliftModel
from shop.models import Order, ShippingMethod
from shop.vouchers.models import VoucherRedemption

DEFAULT_ORDER_VALUE = Decimal("50.00")
ORDER_VALUE_CACHE_SECONDS = 60 * 60
ORDER_VALUE_WINDOW_DAYS = 90


def live_campaigns(*, now: datetime | None = None) -> QuerySet[CouponCampaign]:
    now = now or timezone.now()
    return (
        CouponCampaign.objects.filter(status=CouponCampaign.Status.ACTIVE)
        .filter(Q(starts_at__isnull=True) | Q(starts_at__lte=now))
        .filter(Q(ends_at__isnull=True) | Q(ends_at__gt=now))
        .order_by("pk")
    )


def campaign_spent(*, campaign: CouponCampaign) -> Decimal:
    """Money the campaign's vouchers took off orders that still stand."""
    total = VoucherRedemption.objects.filter(
        voucher__offer_assignment__campaign=campaign, released_at__isnull=True
    ).aggregate(total=Sum("amount"))["total"]
    return total or Decimal("0.00")


def campaign_reserved(*, campaign: CouponCampaign, now: datetime | None = None) -> Decimal:
    """The most that issued, unused, unexpired codes could still take off."""
    now = now or timezone.now()
    total = OfferAssignment.objects.filter(
        campaign=campaign, voucher__isnull=False, voucher__used_count=0, voucher__ends_at__gt=now
    ).aggregate(total=Sum("reserved_cost"))["total"]
    return total or Decimal("0.00")


def campaign_committed(*, campaign: CouponCampaign, now: datetime | None = None) -> Decimal:
    return campaign_spent(campaign=campaign) + campaign_reserved(campaign=campaign, now=now)


def max_shipping_price() -> Decimal:
    return ShippingMethod.objects.filter(is_active=True).aggregate(top=Max("price"))["top"] or Decimal("0.00")


def average_order_value() -> Decimal:
    """Of the last 90 days' orders (cached for an hour); a default before the first orders."""
    cached = cache.get("offers:average_order_value")
    if cached is not None:
        return Decimal(cached)
    since = timezone.now() - timedelta(days=ORDER_VALUE_WINDOW_DAYS)
    value = (
        Order.objects.filter(created_at__gte=since)
        .exclude(status__in=[Order.Status.CANCELLED, Order.Status.REFUNDED])
        .aggregate(value=Avg("total"))["value"]
    )
    value = Decimal(value).quantize(Decimal("0.01")) if value else DEFAULT_ORDER_VALUE
    cache.set("offers:average_order_value", str(value), ORDER_VALUE_CACHE_SECONDS)
    return value


def champion_uplift_model() -> UpliftModel | None:
    return UpliftModel.objects.filter(status=UpliftModel.Status.CHAMPION).first()


def assignments_for_user(*, user_id: int, campaign_ids: list[int]) -> dict[int, OfferAssignment]:
    rows = OfferAssignment.objects.filter(user_id=user_id, campaign_id__in=campaign_ids).select_related("voucher")
    return {row.campaign_id: row for row in rows}
