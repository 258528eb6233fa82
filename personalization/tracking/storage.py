"""How events reach the table: COPY on PostgreSQL for big batches, one prepared INSERT otherwise.

The ORM's bulk_create spends most of its time building SQL (about 4,000 rows/s
here); COPY into a temporary table and one INSERT ... SELECT ... ON CONFLICT DO
NOTHING stores the same rows five to ten times faster. Smaller batches (a page's
events, written during the request when there is no Redis buffer) go through one
INSERT statement executed once per row, with each value prepared by its model field
as the ORM would: no SQL compiled per batch. Every path drops events of deleted
accounts, forgets deleted products, and stores each UUID once (on PostgreSQL, whose partitioned
table can only key the UUID with the timestamp, by looking for it within DEDUP_WINDOW_DAYS).

A batch the database refuses is split until the refused events stand alone
(`store_raw_isolating`): they are returned with the reason, and the rest is stored.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import timedelta
from typing import TypeVar

from django.contrib.auth import get_user_model
from django.db import DataError, IntegrityError, connection, transaction
from django.db.models.constants import OnConflict

from personalization.tracking.models import Event
from personalization.tracking.schema import TrackedEvent, storable
from personalization.tracking.validation import MAX_AGE

COPY_THRESHOLD = 500
COLUMNS = (
    "uuid",
    "type",
    "timestamp",
    "recorded_at",
    "visitor_id",
    "user_id",
    "session_key",
    "product_id",
    "path",
    "referrer",
    "context",
    "value",
)
INCOMING = "tracking_event_incoming"
AS_IS = frozenset({"CharField", "ForeignKey"})
# What one bad event raises: a value the database refuses, or a document that does not decode into an event.
# Anything else (a lost connection, a lock timeout) is about the database, not the event, and propagates.
REFUSALS = (DataError, IntegrityError, ValueError, TypeError, KeyError)
MAX_REASON = 2000
# A retried event whose timestamp the server set (the event API's default) arrives with another
# timestamp; on PostgreSQL the UUID is looked for this far either side of it (the oldest event the
# API takes is as old). SQLite's plain table keeps the UUID unique on its own.
DEDUP_WINDOW_DAYS = MAX_AGE.days

Item = TypeVar("Item")


@dataclass(frozen=True)
class Refused:
    document: bytes
    reason: str

    @property
    def digest(self) -> str:
        return hashlib.sha256(self.document).hexdigest()

    @property
    def text(self) -> str:
        """The document as text PostgreSQL can hold: bytes that are not UTF-8, and NULs, escaped."""
        return self.document.decode("utf-8", "backslashreplace").replace("\x00", "\\x00")


def store_raw_isolating(raw_batch: Sequence[bytes]) -> list[Refused]:
    """Store a batch of buffered JSON events but those the database refuses; returns those, with why."""
    return _isolating(list(raw_batch), store=store_raw, document=bytes)


def store_events_isolating(events: Sequence[TrackedEvent]) -> list[Refused]:
    return _isolating(list(events), store=store_events, document=_as_document)


def _isolating(items: list[Item], *, store: Callable[[list[Item]], None], document) -> list[Refused]:
    """Halves a refused batch until each refused item stands alone, each attempt in a savepoint.

    One bad event among n costs about 2 log2(n) more attempts; a good batch costs one savepoint.
    """
    try:
        with transaction.atomic():
            store(items)
        return []
    except REFUSALS as exc:
        if len(items) == 1:
            return [Refused(document(items[0]), storable(f"{type(exc).__name__}: {exc}")[:MAX_REASON])]
    half = len(items) // 2
    return _isolating(items[:half], store=store, document=document) + _isolating(
        items[half:], store=store, document=document
    )


def _as_document(event: TrackedEvent) -> bytes:
    try:
        return event.to_json().encode()
    except (TypeError, ValueError):
        return repr(event).encode()


def store_raw(raw_batch: Sequence[bytes]) -> None:
    """Store a batch of buffered JSON events."""
    if connection.vendor == "postgresql" and len(raw_batch) >= COPY_THRESHOLD:
        _copy_documents(raw_batch)
    else:
        store_events([TrackedEvent.from_json(raw) for raw in raw_batch])


def store_events(events: Sequence[TrackedEvent]) -> None:
    if connection.vendor == "postgresql" and len(events) >= COPY_THRESHOLD:
        _copy_documents([event.to_json().encode() for event in events])
        return
    from shop.product_cache import existing_product_ids

    product_ids = {e.product_id for e in events if e.product_id is not None}
    user_ids = {e.user_id for e in events if e.user_id is not None}
    live_products = existing_product_ids(product_ids)
    users = get_user_model().objects.filter(pk__in=user_ids)
    live_users = set(users.values_list("pk", flat=True)) if user_ids else ()
    rows = []
    for event in events:
        if event.user_id is not None and event.user_id not in live_users:
            continue  # the account was deleted, and its history with it
        row = event.to_row()
        if row.product_id is not None and row.product_id not in live_products:
            row.product_id = None
        rows.append(row)
    _insert_ignoring_duplicates(rows)


def _insert_ignoring_duplicates(rows: Sequence[Event]) -> None:
    """INSERT ... ON CONFLICT DO NOTHING (INSERT OR IGNORE on SQLite), in one transaction."""
    if connection.vendor == "postgresql":
        rows = _not_stored_yet(rows)
    if not rows:
        return
    fields = [field for field in Event._meta.concrete_fields if not field.primary_key]
    ops = connection.ops
    columns = ", ".join(ops.quote_name(field.column) for field in fields)
    placeholders = ", ".join(["%s"] * len(fields))
    suffix = ops.on_conflict_suffix_sql(fields, OnConflict.IGNORE, None, None)
    sql = (
        f"{ops.insert_statement(on_conflict=OnConflict.IGNORE)} {ops.quote_name(Event._meta.db_table)} "
        f"({columns}) VALUES ({placeholders}) {suffix}"
    )
    # Text and id columns hold str, int or None already (TrackedEvent.to_row); the rest are prepared by their field.
    prepare = [None if field.get_internal_type() in AS_IS else field.get_db_prep_save for field in fields]
    params = [
        [
            getattr(row, field.attname) if prep is None else prep(getattr(row, field.attname), connection)
            for field, prep in zip(fields, prepare, strict=True)
        ]
        for row in rows
    ]
    with transaction.atomic(savepoint=False), connection.cursor() as cursor:
        cursor.executemany(sql, params)


def _not_stored_yet(rows: Sequence[Event]) -> list[Event]:
    """The rows whose UUID is neither stored near their time nor earlier in the batch (one query).

    PostgreSQL's partitioned table keys the UUID with the timestamp (partitions.py), so a retried event
    the server timed again would pass ON CONFLICT. Two retries written at the same instant can still
    both pass this look (the unique (uuid, timestamp) still stops a retry timed alike).
    """
    first: dict = {}
    for row in rows:
        first.setdefault(row.uuid, row)
    if not first:
        return []
    window = timedelta(days=DEDUP_WINDOW_DAYS)
    times = [row.timestamp for row in first.values()]
    stored = set(
        Event.objects.filter(uuid__in=list(first), timestamp__range=(min(times) - window, max(times) + window))
        .order_by()
        .values_list("uuid", flat=True)
    )
    return [row for key, row in first.items() if key not in stored]


def _copy_documents(raw_batch: Sequence[bytes]) -> None:
    """COPY the JSON documents as they are and let PostgreSQL take them apart: no per-row Python work."""
    from shop.models import Product

    events = Event._meta.db_table
    products = Product._meta.db_table
    users = get_user_model()._meta.db_table
    columns = ", ".join(f'"{c}"' for c in COLUMNS)
    window = f"interval '{DEDUP_WINDOW_DAYS} days'"
    # COPY's text format treats backslashes as escapes; JSON never holds a raw tab or newline.
    block = b"\n".join(raw.replace(b"\\", b"\\\\") for raw in raw_batch) + b"\n"
    with transaction.atomic(), connection.cursor() as cursor:
        # The UUID look-up below makes the planner's estimate cross jit_above_cost, and compiling never pays
        # for a few thousand rows: about 10 ms of a 5,000-event batch's 140 (bench/flush_statement.py).
        cursor.execute("SET LOCAL jit = off")
        cursor.execute(f"CREATE TEMPORARY TABLE {INCOMING} (doc jsonb)")
        # The driver's own cursor: its errors are translated to Django's here, as the wrapper does for execute().
        with connection.wrap_database_errors, cursor.cursor.copy(f"COPY {INCOMING} (doc) FROM STDIN") as copy:
            copy.write(block)
        # The NOT EXISTS is what partitioning costs the flush: one index probe per event in each month partition
        # its window reaches (about 25 ms of the 140; an insert without it takes as long as the plain table's).
        # Reading the batch's stored UUIDs at once (= ANY) and anti-joining them by hash measured the same.
        cursor.execute(
            f"""INSERT INTO {events} ({columns})
            SELECT (d->>'uuid')::uuid, d->>'type', (d->>'timestamp')::timestamptz, (d->>'recorded_at')::timestamptz,
                   d->>'visitor_id', (d->>'user_id')::bigint, d->>'session_key', p.id,
                   d->>'path', d->>'referrer', d->'context', (d->>'value')::numeric
            FROM (SELECT DISTINCT ON ((doc->>'uuid')::uuid) doc AS d FROM {INCOMING}) i
            LEFT JOIN {products} p ON p.id = (d->>'product_id')::bigint
            WHERE (d->'user_id' = 'null'::jsonb
               OR EXISTS (SELECT 1 FROM {users} u WHERE u.id = (d->>'user_id')::bigint))
              AND NOT EXISTS (SELECT 1 FROM {events} e WHERE e.uuid = (d->>'uuid')::uuid
                  AND e."timestamp" BETWEEN (d->>'timestamp')::timestamptz - {window}
                                        AND (d->>'timestamp')::timestamptz + {window})
            ON CONFLICT DO NOTHING"""
        )
        cursor.execute(f"DROP TABLE {INCOMING}")
