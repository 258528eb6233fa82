"""A synthetic store of any size for benchmarks and scale tests: products and behaviour, written in bulk.

Products are copies of the store's own products (every column: translations, attributes, the
search documents in both languages), with a new SKU, slug, name suffix, price, stock and creation
date; the copies are older than the store's products, oldest first by id. Behaviour is product
views, add-to-carts and purchases of anonymous visitors, each with a taste for one category and
for its best sellers (a Zipf law), in sessions over the last ``days`` days.

Nothing goes through the ORM's per-row path: on PostgreSQL a plan table and the events are
streamed with COPY and the products are written by one INSERT ... SELECT from the plan; elsewhere
(SQLite) the same statements run with executemany. Event rows have client UUIDs like real ones.
"""

from __future__ import annotations

import time
import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta

import numpy as np
from django.db import connection, transaction
from django.utils import timezone

from personalization.tracking.models import Event
from shop.cache_versions import catalog_changed
from shop.models import Product
from shop.search.models import SearchDocument

# Event types and their shares of the behaviour.
EVENT_MIX = ((Event.Type.PRODUCT_VIEW, 0.85), (Event.Type.ADD_TO_CART, 0.10), (Event.Type.PURCHASE, 0.05))
EVENTS_PER_VISITOR = 25  # on average; session lengths are geometric
BATCH = 50_000


@dataclass(frozen=True)
class SyntheticStoreReport:
    products_created: int
    events_created: int
    products_seconds: float
    events_seconds: float


def synthetic_store_grow(*, products: int, events: int, seed: int = 0, days: int = 90) -> SyntheticStoreReport:
    """Add copies until the store has `products` products, then add `events` behaviour events."""
    if products < 0 or events < 0:
        raise ValueError("Products and events must be zero or more.")
    if days < 1:
        raise ValueError("Days must be at least 1.")
    templates = list(Product.objects.order_by("pk").values_list("pk", "category_id", flat=False))
    if not templates:
        raise ValueError("The store has no products to copy: load the demo store first (load_demo_store).")
    rng = np.random.default_rng(seed)
    started = time.perf_counter()
    created = _grow_products(max(0, products - Product.objects.count()), templates=templates, rng=rng, seed=seed)
    products_seconds = time.perf_counter() - started
    started = time.perf_counter()
    written = _add_events(events, rng=rng, days=days, seed=seed) if events else 0
    return SyntheticStoreReport(created, written, round(products_seconds, 2), round(time.perf_counter() - started, 2))


def _grow_products(count: int, *, templates: list[tuple[int, int]], rng: np.random.Generator, seed: int) -> int:
    if count == 0:
        return 0
    oldest = Product.objects.order_by("created_at").values_list("created_at", flat=True).first()
    # The copies go back three years before the store's oldest product, evenly, the oldest first.
    span = timedelta(days=3 * 365).total_seconds()
    start = oldest - timedelta(seconds=span)
    picks = rng.integers(0, len(templates), count)
    prices = np.round(rng.lognormal(3.5, 0.8, count), 2).clip(1, 50_000)
    stock = np.where(rng.random(count) < 0.1, 0, rng.integers(1, 200, count))
    tag = f"syn{seed}-{uuid.uuid4().hex[:6]}"
    plan = (
        (
            f"{tag}-{i}",
            templates[int(picks[i])][0],
            float(prices[i]),
            int(stock[i]),
            start + timedelta(seconds=span * i / count),
        )
        for i in range(count)
    )
    copied = [
        f.column
        for f in Product._meta.concrete_fields
        if f.column not in {"id", "slug", "sku", "price", "stock", "created_at", "updated_at"}
        and not f.column.startswith("name")
    ]
    names = [f.column for f in Product._meta.concrete_fields if f.column.startswith("name")]
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("DROP TABLE IF EXISTS synthetic_plan")
        cursor.execute(
            "CREATE TEMPORARY TABLE synthetic_plan (sku varchar(40) PRIMARY KEY, template_id bigint, "
            "price numeric(10, 2), stock integer, created_at timestamp with time zone)"
        )
        _write(cursor, "synthetic_plan", ["sku", "template_id", "price", "stock", "created_at"], plan)
        template_columns = ", ".join(f"t.{column}" for column in copied)
        name_columns = ", ".join(f"t.{column} || ' #' || substr(p.sku, {len(tag) + 2})" for column in names)
        cursor.execute(
            f"""INSERT INTO shop_product (slug, sku, price, stock, created_at, updated_at, {", ".join(names)},
                    {", ".join(copied)})
                SELECT lower(p.sku), p.sku, p.price, p.stock, p.created_at, p.created_at, {name_columns},
                    {template_columns}
                FROM synthetic_plan p JOIN shop_product t ON t.id = p.template_id
                ORDER BY p.created_at"""
        )
        documents = [f.column for f in SearchDocument._meta.concrete_fields if f.column not in {"id", "product_id"}]
        cursor.execute(
            f"""INSERT INTO shop_searchdocument (product_id, {", ".join(documents)})
                SELECT c.id, {", ".join(f"d.{column}" for column in documents)}
                FROM synthetic_plan p JOIN shop_product c ON c.sku = p.sku
                JOIN shop_searchdocument d ON d.product_id = p.template_id"""
        )
        cursor.execute("DROP TABLE synthetic_plan")
    _settle(Product._meta.db_table, SearchDocument._meta.db_table)
    catalog_changed()  # bulk writes send no signals
    return count


def _add_events(count: int, *, rng: np.random.Generator, days: int, seed: int) -> int:
    rows = list(Product.objects.filter(is_active=True).order_by("pk").values_list("pk", "category_id"))
    ids = np.asarray([pk for pk, _ in rows], dtype=np.int64)
    categories = np.asarray([category for _, category in rows], dtype=np.int64)
    by_category = {int(c): rng.permutation(ids[categories == c]) for c in np.unique(categories)}  # best sellers first
    keys = list(by_category)
    taste_weights = 1.0 / np.arange(1, len(keys) + 1)
    taste_weights /= taste_weights.sum()
    now = timezone.now()
    types = [event_type for event_type, _ in EVENT_MIX]
    shares = np.asarray([share for _, share in EVENT_MIX])
    columns = ["uuid", "type", "timestamp", "recorded_at", "visitor_id", "session_key", "product_id", "path"]
    columns += ["referrer", "context"]
    written, visitor = 0, 0
    while written < count:
        n = min(BATCH, count - written)
        lengths = rng.geometric(1 / EVENTS_PER_VISITOR, size=n // EVENTS_PER_VISITOR + 1)
        while lengths.sum() < n:  # sessions shorter than the mean: more visitors
            lengths = np.concatenate([lengths, rng.geometric(1 / EVENTS_PER_VISITOR, size=len(lengths) // 2 + 1)])
        lengths = lengths[: int(np.searchsorted(np.cumsum(lengths), n)) + 1]
        owners = np.repeat(np.arange(len(lengths)), lengths)[:n]
        tastes = rng.choice(len(keys), size=len(lengths), p=taste_weights)
        starts = rng.random(len(lengths)) * (days * 86400 - 7200)
        position = np.arange(n) - np.searchsorted(owners, owners)  # index within the visitor's session
        seconds = starts[owners] + position * rng.integers(20, 240, n)
        ranks = rng.zipf(1.4, n) - 1
        kinds = rng.choice(len(types), size=n, p=shares)
        raw = rng.bytes(16 * n)

        def batch(n=n, owners=owners, tastes=tastes, seconds=seconds, ranks=ranks, kinds=kinds, raw=raw, first=visitor):
            for i in range(n):
                shelf = by_category[keys[tastes[owners[i]]]]
                product = int(shelf[min(int(ranks[i]), len(shelf) - 1)])
                moment = now - timedelta(seconds=float(days * 86400 - seconds[i]))
                yield (
                    uuid.UUID(bytes=raw[16 * i : 16 * i + 16], version=4),
                    types[kinds[i]],
                    moment,
                    moment,
                    f"syn-{seed}-{first + int(owners[i])}",
                    "",
                    product,
                    f"/p/{product}/",
                    "",
                    "{}",
                )

        with transaction.atomic(), connection.cursor() as cursor:
            _write(cursor, Event._meta.db_table, columns, batch())
        written += n
        visitor += len(lengths)
    _settle(Event._meta.db_table)
    return written


def _settle(*tables: str) -> None:
    """PostgreSQL: the tables as a running store's autovacuum leaves them after bulk writes.

    VACUUM marks the new rows visible to all (index-only scans then read no heap: the category head's
    0.4 ms against 5 ms at 1M products) and ANALYZE gives the planner their statistics. Inside a
    transaction (a test's), where VACUUM cannot run, the statistics alone.
    """
    if connection.vendor != "postgresql":
        return
    with connection.cursor() as cursor:
        for table in tables:
            cursor.execute(f"{'ANALYZE' if connection.in_atomic_block else 'VACUUM (ANALYZE)'} {table}")


def _write(cursor, table: str, columns: list[str], rows) -> None:
    """COPY on PostgreSQL, executemany elsewhere; datetimes and UUIDs adapted for the database."""
    if connection.vendor == "postgresql":
        with cursor.cursor.copy(f"COPY {table} ({', '.join(columns)}) FROM STDIN") as copy:
            for row in rows:
                copy.write_row(row)
        return
    marks = ", ".join(["%s"] * len(columns))
    adapted = (tuple(_adapt(value) for value in row) for row in rows)
    cursor.executemany(f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({marks})", list(adapted))


def _adapt(value):
    if isinstance(value, datetime):
        return connection.ops.adapt_datetimefield_value(value)
    if isinstance(value, uuid.UUID):
        return value.hex
    return value
