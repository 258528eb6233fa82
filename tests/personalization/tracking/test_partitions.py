"""The event table partitioned by month on PostgreSQL: the migration, the flush into it, retention by partition.

PostgreSQL's DDL is transactional, so each test's changes to the partitions roll back with it.
"""

import uuid
from dataclasses import replace
from datetime import UTC, date, datetime, timedelta

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.utils import timezone

from personalization.tracking import partitions, storage
from personalization.tracking.models import Event
from personalization.tracking.partitions import DEFAULT, month_of, partition_name
from personalization.tracking.services import events_purge_expired
from tests.personalization.tracking.conftest import tracked

pytestmark = [pytest.mark.django_db, pytest.mark.postgres]
MIGRATION = ("tracking", "0007_event_partitioned_by_month")


@pytest.fixture(autouse=True)
def needs_postgres():
    if connection.vendor != "postgresql":
        pytest.skip("partitioning is PostgreSQL's; SQLite keeps the plain table (set DATABASE_URL)")


def at(year, month, day=15):
    return datetime(year, month, day, 12, tzinfo=UTC)


def months_before(moment: datetime, n: int) -> datetime:
    month = moment.year * 12 + moment.month - 1 - n
    return datetime(month // 12, month % 12 + 1, 15, 12, tzinfo=UTC)


def partition_of(event_uuid) -> str:
    with connection.cursor() as cursor:
        cursor.execute("SELECT tableoid::regclass::text FROM tracking_event WHERE uuid = %s", [event_uuid])
        return cursor.fetchone()[0]


def rows_in(table: str) -> int:
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT count(*) FROM {table}")
        return cursor.fetchone()[0]


def migrate(target):
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate([target])


def test_migration_partitions_a_table_that_holds_rows_and_keeps_every_row():
    # given the plain table of an existing install, holding events of several months
    before = MigrationExecutor(connection).loader.graph.node_map[MIGRATION].parents
    migrate(sorted(before)[0].key)
    assert not partitions.is_partitioned()
    now = timezone.now()
    events = [tracked(age=timedelta(days=days), product_id=None) for days in (0, 40, 75, 200)]
    storage.store_events(events)
    stored = sorted(Event.objects.values_list("pk", "uuid", "timestamp", "type"))
    # when the migration runs
    migrate(MIGRATION)
    # then the table is partitioned, nothing was lost, and each row sits in its month's partition
    assert partitions.is_partitioned()
    assert sorted(Event.objects.values_list("pk", "uuid", "timestamp", "type")) == stored
    for event in events:
        assert partition_of(event.uuid) == partition_name(month_of(event.timestamp))
    months = [p.month for p in partitions.month_partitions()]
    assert month_of(now + timedelta(days=100)) in months  # months ahead are ready
    # and ids keep coming from where they were
    new = Event.objects.create(
        uuid=uuid.uuid4(), type="page_view", timestamp=now, recorded_at=now, visitor_id="v", context={}
    )
    assert new.pk > max(pk for pk, *_ in stored)


def test_nothing_references_the_event_table():
    with connection.cursor() as cursor:
        cursor.execute("SELECT conname FROM pg_constraint WHERE confrelid = to_regclass('tracking_event')")
        assert cursor.fetchall() == []
    assert partitions.is_partitioned()


@pytest.mark.parametrize("batch", [1, storage.COPY_THRESHOLD])
def test_events_of_a_coming_month_land_in_its_partition(batch):
    # given events dated next month (a clock slightly ahead, or a month that just began)
    soon = timezone.now() + timedelta(days=35)
    events = [tracked() for _ in range(batch - 1)] + [tracked(age=-timedelta(days=35))]
    # when they are stored (one INSERT per event, or COPY)
    storage.store_events(events)
    # then the one of next month is in next month's partition, and the default partition is empty
    assert partition_of(events[-1].uuid) == partition_name(month_of(soon))
    assert rows_in(DEFAULT) == 0


@pytest.mark.parametrize("batch", [2, storage.COPY_THRESHOLD])
def test_a_retried_event_with_another_timestamp_is_stored_once(batch):
    # given an event the server timed (the API's default) and its retry, timed again a minute later
    first = tracked()
    retry = replace(first, timestamp=first.timestamp + timedelta(minutes=1))
    # when both arrive, in one batch and again in the next
    storage.store_events([first, retry] + [tracked() for _ in range(batch - 2)])
    storage.store_events([retry])
    # then there is one row for the UUID, although the table's unique key is (uuid, timestamp)
    assert Event.objects.filter(uuid=first.uuid).count() == 1
    assert Event.objects.count() == batch - 1


@pytest.mark.parametrize("batch", [2, storage.COPY_THRESHOLD])
def test_a_retry_timed_again_in_a_later_batch_is_stored_once(batch):
    # given an event stored with a batch of others
    first = tracked()
    storage.store_events([first] + [tracked() for _ in range(batch - 1)])
    # when its retry, timed six days later, comes in a later batch of new events
    retry = replace(first, timestamp=first.timestamp + timedelta(days=6))
    storage.store_events([retry] + [tracked() for _ in range(batch - 1)])
    # then the retry is not stored again, and every new event is
    assert Event.objects.filter(uuid=first.uuid).count() == 1
    assert Event.objects.count() == 2 * batch - 1


def test_the_default_partition_catches_rows_without_a_month_and_upkeep_moves_them():
    # given an event dated years ahead, beyond the months made ready
    far = tracked(age=-timedelta(days=5 * 365))
    storage.store_events([far])
    assert partition_of(far.uuid) == DEFAULT
    # when the daily upkeep runs
    done = partitions.partitions_maintain(retention_days=365)
    # then the event has a partition of its month, and the default partition is empty again
    assert partition_name(month_of(far.timestamp)) in done.created
    assert partition_of(far.uuid) == partition_name(month_of(far.timestamp))
    assert rows_in(DEFAULT) == 0
    # and running it again changes nothing
    assert partitions.partitions_maintain(retention_days=365) == partitions.Maintenance()


def test_retention_drops_whole_expired_months_and_keeps_the_others(settings):
    # given events of this month, of two months ago, and of seven and eight months ago, each in its month
    now = timezone.now()
    dated = {n: months_before(now, n) for n in (0, 2, 7, 8)}
    events = {n: tracked(age=now - moment) for n, moment in dated.items()}
    for moment in dated.values():
        partitions.partition_add(month_of(moment))
    storage.store_events(list(events.values()))
    for n, event in events.items():
        assert partition_of(event.uuid) == partition_name(month_of(dated[n]))
    # when retention is six months (183 days)
    settings.TRACKING_RETENTION_DAYS = 183
    forgotten = events_purge_expired()
    # then the months seven and eight back are gone as whole partitions, and the others stay with their rows
    months = {p.name for p in partitions.month_partitions()}
    assert partition_name(month_of(dated[7])) not in months
    assert partition_name(month_of(dated[8])) not in months
    assert {partition_name(month_of(dated[0])), partition_name(month_of(dated[2]))} <= months
    assert forgotten == 2
    assert set(Event.objects.values_list("uuid", flat=True)) == {uuid.UUID(events[n].uuid) for n in (0, 2)}


def test_retention_still_deletes_the_expired_days_of_the_month_that_straddles_the_cutoff():
    # given two events of one month, on either side of the retention cutoff
    now = datetime(2026, 6, 20, 12, tzinfo=UTC)
    partitions.partition_add(date(2026, 5, 1))
    old, young = replace(tracked(), timestamp=at(2026, 5, 10)), replace(tracked(), timestamp=at(2026, 5, 30))
    storage.store_events([old, young])
    # when retention (30 days) runs on June 20th: May is not wholly expired
    done = partitions.partitions_maintain(retention_days=30, now=now)
    assert done.dropped == ()
    deleted = Event.objects.filter(timestamp__lt=now - timedelta(days=30)).delete()[0]
    # then only the older day's event goes (the purge's row-by-row part, confined to that partition)
    assert deleted == 1
    assert list(Event.objects.values_list("uuid", flat=True)) == [uuid.UUID(young.uuid)]


def test_a_partitioned_event_is_read_changed_and_deleted_through_the_orm():
    now = timezone.now()
    event = Event.objects.create(
        uuid=uuid.uuid4(), type="page_view", timestamp=now, recorded_at=now, visitor_id="v", context={}
    )
    event.timestamp = now + timedelta(days=40)  # moves to next month's partition
    event.save()
    assert partition_of(event.uuid) == partition_name(month_of(event.timestamp))
    assert Event.objects.get(pk=event.pk).timestamp == event.timestamp
    event.delete()
    assert not Event.objects.exists()
