"""Beat tasks: drain the Redis buffer into the database, and forget events past the retention period
(daily; on PostgreSQL it also keeps the event table's month partitions: partitions.py)."""

from celery import shared_task

from personalization.tracking.services import events_flush, events_purge_expired


@shared_task(name="personalization.tracking.tasks.flush_events", ignore_result=True)
def flush_events() -> int:
    return events_flush()


@shared_task(name="personalization.tracking.tasks.purge_expired_events", ignore_result=True)
def purge_expired_events() -> int:
    return events_purge_expired()
