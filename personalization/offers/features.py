"""Behaviour features of shoppers for the uplift model, for many users in a fixed number of queries.

recency: days since the last order / 365 (1 without one); frequency: log(1 + orders);
monetary: log(1 + money spent); cart_abandonment: share of add-to-cart events of the last
30 days not followed by a purchase; discount_sensitivity: share of orders that used a voucher;
browsing_depth: log(1 + product views in the last 30 days).
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Iterable
from datetime import datetime, timedelta

from django.db.models import Count, Max, Sum
from django.utils import timezone

from personalization.offers.uplift import FEATURE_NAMES
from personalization.tracking.models import Event
from shop.models import Order
from shop.vouchers.models import VoucherRedemption

RECENCY_CAP_DAYS = 365
BEHAVIOUR_WINDOW_DAYS = 30
NOT_BOUGHT = (Order.Status.CANCELLED, Order.Status.REFUNDED)


def shopper_features(user_ids: Iterable[int], *, now: datetime | None = None) -> dict[int, dict[str, float]]:
    """{user id: {feature name: value}}; three queries whatever the number of users."""
    now = now or timezone.now()
    user_ids = list(set(user_ids))
    orders = (
        Order.objects.filter(user_id__in=user_ids, created_at__lt=now)
        .exclude(status__in=NOT_BOUGHT)
        .values("user_id")
        .annotate(n=Count("pk"), spent=Sum("total"), last=Max("created_at"))
    )
    by_user = {row["user_id"]: row for row in orders}
    with_voucher = dict(
        VoucherRedemption.objects.filter(user_id__in=user_ids, released_at__isnull=True, created_at__lt=now)
        .values("user_id")
        .annotate(n=Count("order_id", distinct=True))
        .values_list("user_id", "n")
    )
    events: dict[int, dict[str, int]] = defaultdict(dict)
    rows = (
        Event.objects.filter(
            user_id__in=user_ids,
            timestamp__gte=now - timedelta(days=BEHAVIOUR_WINDOW_DAYS),
            timestamp__lt=now,
            type__in=[Event.Type.PRODUCT_VIEW, Event.Type.ADD_TO_CART, Event.Type.PURCHASE],
        )
        .values("user_id", "type")
        .annotate(n=Count("pk"))
    )
    for row in rows:
        events[row["user_id"]][row["type"]] = row["n"]

    features = {}
    for user_id in user_ids:
        order = by_user.get(user_id)
        count = order["n"] if order else 0
        days = (now - order["last"]).total_seconds() / 86400 if order else RECENCY_CAP_DAYS
        seen = events.get(user_id, {})
        added, bought = seen.get(Event.Type.ADD_TO_CART, 0), seen.get(Event.Type.PURCHASE, 0)
        features[user_id] = {
            "recency": min(days, RECENCY_CAP_DAYS) / RECENCY_CAP_DAYS,
            "frequency": math.log1p(count),
            "monetary": math.log1p(float(order["spent"] or 0) if order else 0.0),
            "cart_abandonment": max(0, added - bought) / added if added else 0.0,
            "discount_sensitivity": min(1.0, with_voucher.get(user_id, 0) / count) if count else 0.0,
            "browsing_depth": math.log1p(seen.get(Event.Type.PRODUCT_VIEW, 0)),
            "past_orders": float(count),
        }
    return features


def feature_vector(features: dict[str, float]) -> list[float]:
    return [float(features.get(name, 0.0)) for name in FEATURE_NAMES]
