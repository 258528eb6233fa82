"""The training export streams the event table: a server-side cursor, a chunk at a time, into compact sequences.

Memory is measured with tracemalloc (Python's allocations), against the same export held whole as rows,
in the same test: no timing, no figure fixed in advance.
"""

import tracemalloc
import uuid
from datetime import timedelta

import pytest
from django.db import connection
from django.utils import timezone

from personalization.recommendations.training_data import interaction_rows
from personalization.recsys.data import build_dataset
from personalization.tracking import storage
from personalization.tracking.schema import TrackedEvent
from tests.factories import make_product

pytestmark = pytest.mark.django_db
EVENTS = 10_000
CHUNK = 500


@pytest.fixture
def events():
    products = [make_product().pk for _ in range(40)]
    now = timezone.now()
    kinds = ("product_view", "list_click", "add_to_cart", "purchase")
    storage.store_events(
        [
            TrackedEvent(
                uuid=str(uuid.uuid4()),
                type=kinds[n % 4],
                timestamp=now - timedelta(seconds=n),
                recorded_at=now,
                visitor_id=f"visitor-{n % 200}",
                product_id=products[n % len(products)],
            )
            for n in range(EVENTS)
        ]
    )


def working_bytes(work) -> tuple[int, object]:
    """What `work` allocated at its peak beyond what its result keeps (Python allocations, tracemalloc)."""
    tracemalloc.start()
    try:
        result = work()
        kept, peak = tracemalloc.get_traced_memory()
        return peak - kept, result
    finally:
        tracemalloc.stop()


def kept_bytes(work) -> tuple[int, object]:
    tracemalloc.start()
    try:
        result = work()
        return tracemalloc.get_traced_memory()[0], result
    finally:
        tracemalloc.stop()


def test_sequences_are_built_from_the_stream_in_far_less_memory_than_the_rows_take(events):
    # when the export feeds the sequence builder as a stream, and, for comparison, is held whole as rows
    streaming, dataset = working_bytes(lambda: build_dataset(interaction_rows(chunk_size=CHUNK)))
    rows_bytes, rows = kept_bytes(lambda: list(interaction_rows(chunk_size=CHUNK)))
    same = build_dataset(rows)
    # then both give the same sequences
    assert dataset.stats.rows_read == same.stats.rows_read == EVENTS
    assert [s.user_id for s in dataset.sequences] == [s.user_id for s in same.sequences]
    assert all((a.items == b.items).all() for a, b in zip(dataset.sequences, same.sequences, strict=True))
    # and streaming never held the rows: beyond the sequences it returns, building them needed well under
    # what the rows alone take (holding each row's values as Python objects, it used to need more)
    assert streaming < rows_bytes / 2, (streaming, rows_bytes)


def test_on_postgresql_the_export_reads_through_a_server_side_cursor(events):
    if connection.vendor != "postgresql":
        pytest.skip("server-side cursors are PostgreSQL's; SQLite's reads are chunked by the driver")
    stream = interaction_rows(chunk_size=CHUNK)
    next(stream)
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM pg_cursors WHERE name LIKE '_django_curs_%%'")
        open_cursors = cursor.fetchone()[0]
    assert open_cursors == 1
    assert sum(1 for _ in stream) == EVENTS - 1
