"""What is rising in a category now: recent interest against the weeks before, not all-time sales.

A product's heat is its weighted views, cart additions and purchases over the last RECENT_DAYS
calendar days (UTC, today included); its trend is that heat against what the BASELINE_DAYS before
would predict for as many days (add-one smoothed). Products with recent interest rank by trend,
then heat. The counts come from the daily aggregates (`ProductDay`), never from the event table, so
the cost follows the category's products and days, not the traffic; they are as fresh as the last
aggregate run (the five-minute refresh). One query per category, kept for TRENDING_TTL seconds.
"""

from __future__ import annotations

from datetime import UTC, date, timedelta

from django.core.cache import cache
from django.db.models import Case, F, FloatField, Q, Sum, Value, When
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


def trend_windows(today: date) -> tuple[date, date]:
    """(first day of the baseline, first day of the recent window): the recent window ends with `today`."""
    recent_from = today - timedelta(days=RECENT_DAYS - 1)
    return recent_from - timedelta(days=BASELINE_DAYS), recent_from


def rising_in_category(category_id: int) -> list[int]:
    """Ids of the category's products with interest in the last RECENT_DAYS, most rising first (cached)."""
    from personalization.tracking.models import ProductDay

    def compute() -> list[int]:
        today = timezone.now().astimezone(UTC).date()  # the aggregates' days are UTC days
        since, recent_from = trend_windows(today)
        heat = Case(
            *(When(type=kind, then=F("count") * Value(w)) for kind, w in WEIGHTS.items()),
            default=Value(0.0),
            output_field=FloatField(),
        )
        rows = (
            ProductDay.objects.filter(
                type__in=list(WEIGHTS),
                day__gte=since,
                day__lte=today,
                product__category_id=category_id,
                product__is_active=True,
                product__stock__gt=0,
            )
            .values("product_id")
            .annotate(
                recent=Sum(heat, filter=Q(day__gte=recent_from)),
                before=Sum(heat, filter=Q(day__lt=recent_from)),
            )
            .values_list("product_id", "recent", "before")
        )
        return trend_order([(pk, recent or 0.0, before or 0.0) for pk, recent, before in rows])

    return cache.get_or_set(f"serving:rising-in:{category_id}", compute, TRENDING_TTL)
