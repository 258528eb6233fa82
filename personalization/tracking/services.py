"""Every write of the tracking app: recording and flushing events, dead letters, links, preferences, deletion."""

from __future__ import annotations

import logging
from collections.abc import Sequence
from datetime import timedelta

from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone

from personalization.tracking import aggregates, buffer, partitions, storage
from personalization.tracking.models import (
    DeadLetterEvent,
    Event,
    InteractionDay,
    PersonalizationPreference,
    VisitorLink,
)
from personalization.tracking.policy import preference_cache_key
from personalization.tracking.schema import TrackedEvent
from personalization.tracking.selectors import events_of_owner, visitor_ids_for_user
from shop.reviews.selectors import reviews_export
from shop.reviews.services import reviews_delete_for_user

logger = logging.getLogger(__name__)

PURGE_CHUNK = 10_000


def events_record(*, events: Sequence[TrackedEvent]) -> None:
    """Buffer the events in Redis when there is one; otherwise, or when it is down, store them now."""
    if not events:
        return
    if buffer.is_configured():
        try:
            buffer.push(events)
            return
        except buffer.BufferUnavailable as exc:
            logger.warning("Tracking buffer unavailable (%s); writing %d events to the database.", exc, len(events))
    event_rows_write(events=events)


def event_rows_write(*, events: Sequence[TrackedEvent]) -> None:
    """Insert events once each (the UUID is unique), dropping references to rows deleted meanwhile.

    Events the database refuses become dead letters, in the same transaction as the rest.
    """
    with transaction.atomic():
        _dead_letters_add(storage.store_events_isolating(events))


def events_flush(*, max_batches: int = 50, fail_after_move=None) -> int:
    """Move batches from the Redis buffer into the database; returns how many events were read.

    Each batch is moved aside first and deleted from Redis only after its rows are
    committed: a crash leaves it in the processing list for the next run, and the
    unique UUID makes that rerun harmless. `fail_after_move` is a test hook.
    """
    if not buffer.is_configured():
        return 0
    flushed = 0
    try:
        with buffer.flush_lock() as lock:
            if lock is None:
                return 0
            for index in range(max_batches):
                if index and not buffer.flush_lock_renew(lock):
                    break
                raw_batch = buffer.processing_batch()
                if not raw_batch:
                    break
                if fail_after_move is not None:
                    fail_after_move()
                with transaction.atomic():
                    _dead_letters_add(storage.store_raw_isolating(raw_batch))
                buffer.acknowledge_batch()
                flushed += len(raw_batch)
    except buffer.BufferUnavailable as exc:
        logger.warning("Tracking flush skipped: Redis unavailable (%s).", exc)
    return flushed


def _dead_letters_add(refused: Sequence[storage.Refused]) -> None:
    if not refused:
        return
    letters = [DeadLetterEvent(raw=r.text, digest=r.digest, reason=r.reason) for r in refused]
    DeadLetterEvent.objects.bulk_create(letters, ignore_conflicts=True)
    logger.warning(
        "The database refused %d tracking events; they are dead letters now: %s", len(refused), refused[0].reason
    )


def dead_letters_replay(*, dead_letters: QuerySet[DeadLetterEvent]) -> tuple[int, int]:
    """Store the dead letters the database takes now, and delete them; returns (stored, still refused).

    A stored letter is deleted in the same transaction, and the event's UUID is unique, so replaying
    twice, or two staff at once, stores it once. One still refused keeps the new reason.
    """
    stored = refused = 0
    for pk in list(dead_letters.order_by("pk").values_list("pk", flat=True)):
        with transaction.atomic():
            letter = DeadLetterEvent.objects.select_for_update().filter(pk=pk).first()
            if letter is None:
                continue  # replayed or dropped meanwhile
            failures = storage.store_raw_isolating([letter.raw.encode("utf-8", "backslashreplace")])
            if failures:
                letter.reason = failures[0].reason
                letter.save(update_fields=["reason"])
                refused += 1
            else:
                letter.delete()
                stored += 1
    return stored, refused


def dead_letters_drop(*, dead_letters: QuerySet[DeadLetterEvent]) -> int:
    deleted, _ = dead_letters.delete()
    return deleted


def visitor_link_create(*, user, visitor_id: str) -> None:
    """Remember that this visitor signed in as this user (idempotent, cached so it costs a query once)."""
    if not visitor_id or user is None or not user.is_authenticated:
        return
    marker = f"tracking:linked:{user.pk}:{visitor_id}"
    if cache.get(marker):
        return
    VisitorLink.objects.get_or_create(user=user, visitor_id=visitor_id)
    cache.set(marker, True, 60 * 60 * 24)


def personalization_set(*, user, enabled: bool) -> PersonalizationPreference:
    preference, _ = PersonalizationPreference.objects.update_or_create(user=user, defaults={"enabled": enabled})
    cache.delete(preference_cache_key(user.pk))
    return preference


def behaviour_data_export(*, user=None, visitor_id: str | None = None) -> dict:
    """Everything recorded about this shopper, stored or still waiting in the buffer, as plain JSON data."""
    visitor_ids = _owner_visitor_ids(user=user, visitor_id=visitor_id)
    user_id = user.pk if user is not None else None
    rows = [_row_as_dict(e) for e in events_of_owner(user=user, visitor_id=visitor_id).order_by("timestamp", "pk")]
    stored = {row["uuid"] for row in rows}
    if buffer.is_configured():
        try:
            waiting = buffer.pending_for(visitor_ids=visitor_ids, user_id=user_id)
        except buffer.BufferUnavailable:
            waiting = []
        rows.extend(_tracked_as_dict(e) for e in waiting if e.uuid not in stored)
    links = []
    if user is not None:
        links = [
            {"visitor_id": link.visitor_id, "created_at": link.created_at.isoformat()}
            for link in VisitorLink.objects.filter(user=user).order_by("created_at")
        ]
    reviews = reviews_export(user=user) if user is not None else {"reviews": [], "helpful_votes": [], "reports": []}
    from personalization.assistant.services import conversations_export

    conversations = conversations_export(user=user, visitor_ids=visitor_ids)
    return {
        "generated_at": timezone.now().isoformat(),
        "visitor_links": links,
        "events": rows,
        **reviews,
        "assistant_conversations": conversations,
    }


def behaviour_data_delete(*, user=None, visitor_id: str | None = None) -> int:
    """Delete the shopper's events and links in the database and in the Redis buffers, and the account's reviews,
    votes and reports (the store's); returns events deleted.

    The flush lock is held meanwhile, so a flush cannot write back a batch it had already read.
    """
    visitor_ids = _owner_visitor_ids(user=user, visitor_id=visitor_id)
    user_id = user.pk if user is not None else None
    if not buffer.is_configured():
        deleted = _delete_rows(user=user, visitor_id=visitor_id)
    else:
        with buffer.flush_lock(wait_seconds=10) as taken:
            if not taken:
                raise buffer.BufferUnavailable("Could not take the flush lock to delete buffered events.")
            removed = buffer.remove_for(visitor_ids=visitor_ids, user_id=user_id)
            deleted = _delete_rows(user=user, visitor_id=visitor_id) + removed
    if user is not None:
        reviews_delete_for_user(user=user)
    from personalization.assistant.services import conversations_delete

    conversations_delete(user=user, visitor_ids=visitor_ids)
    return deleted


def _delete_rows(*, user, visitor_id: str | None) -> int:
    with transaction.atomic():
        deleted, _ = events_of_owner(user=user, visitor_id=visitor_id).delete()
        # Their daily aggregates too (visitor ids read before the links go).
        days = InteractionDay.objects.filter(visitor_id__in=_owner_visitor_ids(user=user, visitor_id=visitor_id))
        if user is not None:
            days |= InteractionDay.objects.filter(user_id=user.pk)
        days.delete()
        if user is not None:
            VisitorLink.objects.filter(user=user).delete()
    return deleted


def events_purge_expired(*, days: int | None = None) -> int:
    """Forget events older than the retention period; returns how many.

    On PostgreSQL's partitioned table, months wholly past the period go as whole partitions and the
    coming months' partitions are made (`partitions.partitions_maintain`). What remains expired (the
    days of the month straddling the cutoff; everything on SQLite) is deleted type by type (the
    (type, timestamp) index) and in chunks, so no single statement holds locks for long.
    """
    days = settings.TRACKING_RETENTION_DAYS if days is None else days
    now = timezone.now()
    cutoff = now - timedelta(days=days)
    total = partitions.partitions_maintain(retention_days=days, now=now).rows_dropped
    for event_type in Event.Type.values:
        expired = Event.objects.filter(type=event_type, timestamp__lt=cutoff)
        while ids := list(expired.values_list("pk", flat=True)[:PURGE_CHUNK]):
            # The time bound lets PostgreSQL prune the partitions that cannot hold these ids.
            deleted, _ = expired.filter(pk__in=ids).delete()
            total += deleted
    aggregates.daily_aggregates_purge(before=cutoff.date())
    return total


def _owner_visitor_ids(*, user, visitor_id: str | None) -> list[str]:
    ids = visitor_ids_for_user(user=user) if user is not None else []
    if visitor_id and visitor_id not in ids:
        ids.append(visitor_id)
    return ids


def _row_as_dict(event: Event) -> dict:
    return {
        "uuid": str(event.uuid),
        "type": event.type,
        "timestamp": event.timestamp.isoformat(),
        "visitor_id": event.visitor_id,
        "product_id": event.product_id,
        "path": event.path,
        "referrer": event.referrer,
        "context": event.context,
        "value": None if event.value is None else str(event.value),
    }


def _tracked_as_dict(event: TrackedEvent) -> dict:
    return {
        "uuid": event.uuid,
        "type": event.type,
        "timestamp": event.timestamp.isoformat(),
        "visitor_id": event.visitor_id,
        "product_id": event.product_id,
        "path": event.path,
        "referrer": event.referrer,
        "context": event.context,
        "value": None if event.value is None else str(event.value),
    }
