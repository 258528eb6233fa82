"""What is rising in a category now: recent interest against the weeks before, not all-time sales.

A product's heat is its weighted views, cart additions and purchases over the last RECENT_DAYS;
its trend is that heat against what the BASELINE_DAYS before would predict for as many days
(add-one smoothed). Products with recent interest rank by trend, then heat; one aggregate query
per category, kept for TRENDING_TTL seconds.
"""

from __future__ import annotations

from datetime import timedelta

from django.core.cache import cache
from django.db.models import Case, FloatField, Q, Sum, Value, When
from django.utils import timezone

RECENT_DAYS = 3
BASELINE_DAYS = 14
TRENDING_TTL = 600
WEIGHTS = {"product_view": 1.0, "add_to_cart": 3.0, "purchase": 5.0}


def trend_order(rows: list[tuple[int, float, float]]) -> list[int]:
    """Product ids by trend: (recent heat + 1) / (baseline heat scaled to RECENT_DAYS + 1), then heat; only recent."""
    scale = RECENT_DAYS / BASELINE_DAYS

    def key(row):
        pk, recent, before = row
        return (-(recent + 1.0) / (before * scale + 1.0), -recent, pk)

    return [row[0] for row in sorted((row for row in rows if row[1] > 0), key=key)]


def rising_in_category(category_id: int) -> list[int]:
    """Ids of the category's products with interest in the last RECENT_DAYS, most rising first (cached)."""
    from personalization.tracking.models import Event

    def compute() -> list[int]:
        now = timezone.now()
        recent_since = now - timedelta(days=RECENT_DAYS)
        weight = Case(
            *(When(type=kind, then=Value(w)) for kind, w in WEIGHTS.items()),
            default=Value(0.0),
            output_field=FloatField(),
        )
        rows = (
            Event.objects.filter(
                type__in=list(WEIGHTS),
                timestamp__gte=recent_since - timedelta(days=BASELINE_DAYS),
                timestamp__lte=now,
                product__category_id=category_id,
                product__is_active=True,
                product__stock__gt=0,
            )
            .values("product_id")
            .annotate(
                recent=Sum(weight, filter=Q(timestamp__gte=recent_since)),
                before=Sum(weight, filter=Q(timestamp__lt=recent_since)),
            )
            .values_list("product_id", "recent", "before")
        )
        return trend_order([(pk, recent or 0.0, before or 0.0) for pk, recent, before in rows])

    return cache.get_or_set(f"serving:rising-in:{category_id}", compute, TRENDING_TTL)
