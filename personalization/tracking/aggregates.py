"""Daily aggregates of the events, kept up to date incrementally.

`InteractionDay` (per unit, product, day and type: count, first and last time) feeds the models
refreshed every five minutes (popularity, co-visitation); `ProductDay` (per product, day and type)
holds what features and counters need. Each run adds only the events stored since the last one (ids
above the watermark) with one INSERT ... SELECT ... GROUP BY ... ON CONFLICT DO UPDATE per table, so
its cost follows the new events, not the history.

Ids come from one sequence, but a transaction may commit a lower id after a higher one is visible. So
the upper bound of a run is read under a SHARE lock on the event table on PostgreSQL, which waits for
the inserts in flight to commit (milliseconds; the flush's COPY at most): every id up to it is then
final. SQLite has one writer at a time.
"""

from __future__ import annotations

from django.db import connection, transaction
from django.db.models import Max

from personalization.tracking.models import AggregateWatermark, Event, InteractionDay, ProductDay

WATERMARK = "daily_aggregates"
# The behaviour the frequent models learn from (as training_data.INTERACTION_TYPES).
INTERACTION_TYPES = (
    Event.Type.PRODUCT_VIEW,
    Event.Type.LIST_CLICK,
    Event.Type.ADD_TO_CART,
    Event.Type.PURCHASE,
)


def _settled_last_id() -> int:
    """The highest event id below which no insert is still in flight."""
    with transaction.atomic():
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute(f"LOCK TABLE {Event._meta.db_table} IN SHARE MODE")
        return Event.objects.aggregate(last=Max("pk"))["last"] or 0


def daily_aggregates_update() -> int:
    """Add the events stored since the last run to the daily aggregates; returns how many were read."""
    last = _settled_last_id()
    with transaction.atomic():
        mark, _ = AggregateWatermark.objects.select_for_update().get_or_create(name=WATERMARK)
        if last <= mark.last_event_id:
            return 0
        read = _add_events(after=mark.last_event_id, up_to=last)
        mark.last_event_id = last
        mark.save(update_fields=["last_event_id", "updated_at"])
    return read


def daily_aggregates_rebuild() -> int:
    """Recount the aggregates from every stored event (after a backfill or a restore)."""
    with transaction.atomic():
        AggregateWatermark.objects.select_for_update().filter(name=WATERMARK).delete()
        InteractionDay.objects.all().delete()
        ProductDay.objects.all().delete()
    return daily_aggregates_update()


def daily_aggregates_purge(*, before) -> int:
    """Forget the days before `before` (a date), as retention forgets their events."""
    deleted = InteractionDay.objects.filter(day__lt=before).delete()[0]
    return deleted + ProductDay.objects.filter(day__lt=before).delete()[0]


def _add_events(*, after: int, up_to: int) -> int:
    events = Event._meta.db_table
    units = InteractionDay._meta.db_table
    products = ProductDay._meta.db_table
    if connection.vendor == "postgresql":
        day, least, greatest = """("timestamp" AT TIME ZONE 'UTC')::date""", "LEAST", "GREATEST"
    else:
        day, least, greatest = 'date("timestamp")', "min", "max"
    kinds = ", ".join(["%s"] * len(INTERACTION_TYPES))
    bounds = [after, up_to]
    with connection.cursor() as cursor:
        cursor.execute(
            f"""INSERT INTO {units} (day, product_id, user_id, visitor_id, type, count, first_at, last_at)
            SELECT {day}, product_id, COALESCE(user_id, 0), visitor_id, type, count(*), min("timestamp"),
                   max("timestamp")
            FROM {events}
            WHERE id > %s AND id <= %s AND product_id IS NOT NULL AND type IN ({kinds})
            GROUP BY {day}, product_id, COALESCE(user_id, 0), visitor_id, type
            ON CONFLICT (day, product_id, user_id, visitor_id, type) DO UPDATE SET
                count = {units}.count + excluded.count,
                first_at = {least}({units}.first_at, excluded.first_at),
                last_at = {greatest}({units}.last_at, excluded.last_at)""",
            [*bounds, *INTERACTION_TYPES],
        )
        cursor.execute(
            f"""INSERT INTO {products} (day, product_id, type, count)
            SELECT {day}, product_id, type, count(*)
            FROM {events}
            WHERE id > %s AND id <= %s AND product_id IS NOT NULL
            GROUP BY {day}, product_id, type
            ON CONFLICT (day, product_id, type) DO UPDATE SET count = {products}.count + excluded.count""",
            bounds,
        )
        cursor.execute(f"SELECT count(*) FROM {events} WHERE id > %s AND id <= %s", bounds)
        return cursor.fetchone()[0]
