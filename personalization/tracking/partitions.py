"""The event table partitioned by month on PostgreSQL (native declarative partitioning).

On PostgreSQL `tracking_event` is `PARTITION BY RANGE ("timestamp")`: one partition per calendar
month (UTC), named `tracking_event_y2026m12`, and a DEFAULT partition that catches any row no month
partition takes, so an insert never fails for want of a partition. Retention drops whole month
partitions (DETACH, then DROP) instead of deleting their rows; the daily retention task also creates
the coming months ahead and moves rows the default partition caught into a month partition of their
own (`partitions_maintain`).

PostgreSQL wants every unique index of a partitioned table to include the partition key: the
primary key is (id, "timestamp") and the UUID's unique index is (uuid, "timestamp"). Django still
sees `id` as the primary key and `uuid` as unique (ids come from one identity sequence, so they stay
unique); the flush adds a NOT EXISTS on the UUID so a retried event with another timestamp is still
stored once (storage.py). No foreign key points at the event table (no model references `Event`),
and the event's own references to users and products have no database constraint (0003).

SQLite keeps the plain table; every function here is a no-op there.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta

from django.db import connection as default_connection
from django.db import transaction

TABLE = "tracking_event"
KEY = "timestamp"
DEFAULT = f"{TABLE}_default"
# Month partitions kept ready ahead of the current month, so the default partition stays empty.
MONTHS_AHEAD = 3
PARTITION_NAME = re.compile(rf"^{TABLE}_y(\d{{4}})m(\d{{2}})$")
INDEXES = (
    # (name, columns): the model's Meta.indexes, recreated on the partitioned table.
    ("tracking_event_visitor_ts", '"visitor_id", "timestamp"'),
    ("tracking_event_user_ts", '"user_id", "timestamp"'),
    ("tracking_event_type_ts", '"type", "timestamp"'),
)
PRIMARY_KEY = f"{TABLE}_pkey"
UUID_UNIQUE = f"{TABLE}_uuid_timestamp_uniq"


@dataclass(frozen=True)
class MonthPartition:
    name: str
    month: date  # the first day of the month

    @property
    def start(self) -> datetime:
        return datetime(self.month.year, self.month.month, 1, tzinfo=UTC)

    @property
    def end(self) -> datetime:
        return _next_month(self.start)


def month_of(moment: datetime | date) -> date:
    return date(moment.year, moment.month, 1)


def partition_name(month: date) -> str:
    return f"{TABLE}_y{month.year:04d}m{month.month:02d}"


def _next_month(moment):
    return moment.replace(year=moment.year + moment.month // 12, month=moment.month % 12 + 1)


def is_partitioned(connection=default_connection) -> bool:
    if connection.vendor != "postgresql":
        return False
    with connection.cursor() as cursor:
        cursor.execute("SELECT relkind FROM pg_class WHERE oid = to_regclass(%s)", [TABLE])
        row = cursor.fetchone()
    return row is not None and row[0] == "p"


def month_partitions(connection=default_connection) -> list[MonthPartition]:
    """The month partitions attached now, oldest first (the default partition is not one of them)."""
    if not is_partitioned(connection):
        return []
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT c.relname FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid "
            "WHERE i.inhparent = to_regclass(%s)",
            [TABLE],
        )
        names = [row[0] for row in cursor.fetchall()]
    found = []
    for name in names:
        match = PARTITION_NAME.match(name)
        if match:
            found.append(MonthPartition(name, date(int(match[1]), int(match[2]), 1)))
    return sorted(found, key=lambda p: p.month)


def partition_table(connection=default_connection, *, now: datetime | None = None) -> None:
    """Turn the plain event table into a partitioned one, keeping every row (the migration's forward step).

    Month partitions are made for every month that holds rows and for this month and MONTHS_AHEAD
    more; the rows are copied in, then the indexes are built once. It runs in the migration's
    transaction, holding the table exclusively: on a large install, plan it (docs/operations.md).
    """
    if connection.vendor != "postgresql" or is_partitioned(connection):
        return
    now = now or datetime.now(UTC)
    old = f"{TABLE}_unpartitioned"
    with connection.cursor() as cursor:
        cursor.execute(f"LOCK TABLE {TABLE} IN ACCESS EXCLUSIVE MODE")
        cursor.execute(f"ALTER TABLE {TABLE} RENAME TO {old}")
        # Free the names the partitioned table's indexes take; the old table goes at the end.
        cursor.execute(
            "SELECT conname FROM pg_constraint WHERE conrelid = to_regclass(%s) AND contype IN ('p', 'u')", [old]
        )
        for (name,) in cursor.fetchall():
            cursor.execute(f'ALTER TABLE {old} DROP CONSTRAINT "{name}"')
        for name, _ in INDEXES:
            cursor.execute(f'DROP INDEX IF EXISTS "{name}"')
        cursor.execute(
            f'CREATE TABLE {TABLE} (LIKE {old} INCLUDING DEFAULTS INCLUDING IDENTITY) PARTITION BY RANGE ("{KEY}")'
        )
        cursor.execute(f"""SELECT DISTINCT date_trunc('month', "{KEY}", 'UTC') AT TIME ZONE 'UTC' FROM {old}""")
        months = {month_of(row[0]) for row in cursor.fetchall()}
        months |= set(_months_from(month_of(now), MONTHS_AHEAD))
        for month in sorted(months):
            partition = MonthPartition(partition_name(month), month)
            cursor.execute(
                f"CREATE TABLE {partition.name} PARTITION OF {TABLE} FOR VALUES FROM (%s) TO (%s)",
                [partition.start, partition.end],
            )
        cursor.execute(f"CREATE TABLE {DEFAULT} PARTITION OF {TABLE} DEFAULT")
        cursor.execute(f"INSERT INTO {TABLE} OVERRIDING SYSTEM VALUE SELECT * FROM {old}")
        _create_keys(cursor)
        _continue_ids(cursor, old)


def unpartition_table(connection=default_connection) -> None:
    """Back to one plain table with a unique UUID (the migration's reverse step); every row is kept."""
    if not is_partitioned(connection):
        return
    old = f"{TABLE}_partitioned"
    with connection.cursor() as cursor:
        cursor.execute(f"LOCK TABLE {TABLE} IN ACCESS EXCLUSIVE MODE")
        cursor.execute(f"ALTER TABLE {TABLE} RENAME TO {old}")
        cursor.execute(f'ALTER TABLE {old} DROP CONSTRAINT "{PRIMARY_KEY}", DROP CONSTRAINT "{UUID_UNIQUE}"')
        for name, _ in INDEXES:
            cursor.execute(f'DROP INDEX IF EXISTS "{name}"')
        cursor.execute(f"CREATE TABLE {TABLE} (LIKE {old} INCLUDING DEFAULTS INCLUDING IDENTITY)")
        cursor.execute(f"INSERT INTO {TABLE} OVERRIDING SYSTEM VALUE SELECT * FROM {old}")
        cursor.execute(f'ALTER TABLE {TABLE} ADD CONSTRAINT "{PRIMARY_KEY}" PRIMARY KEY (id)')
        cursor.execute(f'ALTER TABLE {TABLE} ADD CONSTRAINT "{TABLE}_uuid_key" UNIQUE (uuid)')
        for name, columns in INDEXES:
            cursor.execute(f'CREATE INDEX "{name}" ON {TABLE} ({columns})')
        _continue_ids(cursor, old)


def _continue_ids(cursor, old: str) -> None:
    """New ids follow the old table's, whose rows then go; the identity's sequence gets the usual name
    (it took a suffixed one while the old table's existed)."""
    cursor.execute(f"SELECT pg_get_serial_sequence('{TABLE}', 'id')")
    sequence = cursor.fetchone()[0]
    cursor.execute(f"SELECT setval('{sequence}', COALESCE((SELECT max(id) FROM {old}), 0) + 1, false)")
    cursor.execute(f"DROP TABLE {old}")
    if sequence.split(".")[-1].strip('"') != f"{TABLE}_id_seq":
        cursor.execute(f"ALTER SEQUENCE {sequence} RENAME TO {TABLE}_id_seq")


def _create_keys(cursor) -> None:
    cursor.execute(f'ALTER TABLE {TABLE} ADD CONSTRAINT "{PRIMARY_KEY}" PRIMARY KEY (id, "{KEY}")')
    cursor.execute(f'ALTER TABLE {TABLE} ADD CONSTRAINT "{UUID_UNIQUE}" UNIQUE (uuid, "{KEY}")')
    for name, columns in INDEXES:
        cursor.execute(f'CREATE INDEX "{name}" ON {TABLE} ({columns})')


def _months_from(first: date, ahead: int) -> list[date]:
    months = [first]
    for _ in range(ahead):
        months.append(_next_month(months[-1]))
    return months


def partition_add(month: date, connection=default_connection) -> bool:
    """Attach the partition of `month`, moving in the rows the default partition caught for it.

    The partition is made as a plain table, filled from the default partition, then attached
    (SHARE UPDATE EXCLUSIVE on the parent: reads and the flush go on). Returns False if it existed.
    """
    month = month_of(month)
    partition = MonthPartition(partition_name(month), month)
    if not is_partitioned(connection) or any(p.month == month for p in month_partitions(connection)):
        return False
    bounds = [partition.start, partition.end]
    with transaction.atomic(using=connection.alias), connection.cursor() as cursor:
        cursor.execute(f"CREATE TABLE {partition.name} (LIKE {TABLE} INCLUDING DEFAULTS)")
        # Inserts that the default partition would take for this month wait for the attach.
        cursor.execute(f"LOCK TABLE {DEFAULT} IN SHARE ROW EXCLUSIVE MODE")
        cursor.execute(
            f"""WITH moved AS (DELETE FROM {DEFAULT} WHERE "{KEY}" >= %s AND "{KEY}" < %s RETURNING *)
            INSERT INTO {partition.name} SELECT * FROM moved""",
            bounds,
        )
        # The CHECK lets ATTACH skip scanning the new partition; it is redundant afterwards.
        check = f'CHECK ("{KEY}" >= %s AND "{KEY}" < %s)'
        cursor.execute(f"ALTER TABLE {partition.name} ADD CONSTRAINT {partition.name}_bounds {check}", bounds)
        cursor.execute(f"ALTER TABLE {TABLE} ATTACH PARTITION {partition.name} FOR VALUES FROM (%s) TO (%s)", bounds)
        cursor.execute(f"ALTER TABLE {partition.name} DROP CONSTRAINT {partition.name}_bounds")
    return True


def partition_drop(partition: MonthPartition, connection=default_connection) -> None:
    """Forget a whole month: DETACH the partition, then DROP it (no row-by-row delete, no bloat)."""
    with transaction.atomic(using=connection.alias), connection.cursor() as cursor:
        cursor.execute(f"ALTER TABLE {TABLE} DETACH PARTITION {partition.name}")
        cursor.execute(f"DROP TABLE {partition.name}")


def default_partition_months(connection=default_connection) -> list[date]:
    """The months of the rows the default partition holds (none, normally)."""
    with connection.cursor() as cursor:
        cursor.execute(f"""SELECT DISTINCT date_trunc('month', "{KEY}", 'UTC') AT TIME ZONE 'UTC' FROM {DEFAULT}""")
        return sorted(month_of(row[0]) for row in cursor.fetchall())


@dataclass(frozen=True)
class Maintenance:
    created: tuple[str, ...] = ()
    dropped: tuple[str, ...] = ()
    rows_dropped: int = 0  # rows of the dropped partitions (counted before each drop)


def partitions_maintain(
    *, retention_days: int, now: datetime | None = None, connection=default_connection
) -> Maintenance:
    """The daily upkeep: months ahead created, caught rows moved to their month, expired months dropped.

    A month partition is dropped whole once its whole month is older than the retention period. The
    rest of what expired (the days of the month that straddles the cutoff, and old rows the default
    partition holds) is left to the row-by-row purge, which partition pruning confines to those two.
    """
    if not is_partitioned(connection):
        return Maintenance()
    now = now or datetime.now(UTC)
    cutoff = now - timedelta(days=retention_days)
    created = []
    for month in sorted(set(_months_from(month_of(now), MONTHS_AHEAD)) | set(default_partition_months(connection))):
        if MonthPartition("", month).end <= cutoff:
            continue  # expired already: the purge deletes these rows, no partition is made for them
        if partition_add(month, connection):
            created.append(partition_name(month))
    dropped, rows = [], 0
    for partition in month_partitions(connection):
        if partition.end <= cutoff:
            with connection.cursor() as cursor:
                cursor.execute(f"SELECT count(*) FROM {partition.name}")
                rows += cursor.fetchone()[0]
            partition_drop(partition, connection)
            dropped.append(partition.name)
    return Maintenance(tuple(created), tuple(dropped), rows)
