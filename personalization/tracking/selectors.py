"""Reads: whose history is whose, and the recent events of a shopper (who the shopper is: personalization.shopper)."""

from __future__ import annotations

import logging
from collections.abc import Collection
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal

from django.db.models import CharField, F, OuterRef, Q, QuerySet, Subquery, Value
from django.db.models.functions import Cast, Coalesce, Concat

from personalization.shopper import USER_PREFIX, VISITOR_PREFIX
from personalization.tracking import buffer
from personalization.tracking.models import Event, VisitorLink

logger = logging.getLogger(__name__)

# A user's recent events come from their own rows and their newest few browsers' anonymous ones.
MAX_RECENT_VISITORS = 5


@dataclass(frozen=True)
class RecentEvent:
    uuid: str
    type: str
    timestamp: datetime
    product_id: int | None
    context: dict = field(default_factory=dict)
    value: Decimal | None = None
    path: str = ""


def visitor_ids_for_user(*, user) -> list[str]:
    return list(VisitorLink.objects.filter(user=user).order_by("created_at").values_list("visitor_id", flat=True))


def events_of_owner(*, user=None, visitor_id: str | None = None) -> QuerySet[Event]:
    """A user's events: signed in, plus the anonymous ones of every visitor id linked to them.

    Another user's events on a shared browser are not included: only anonymous history follows a login.
    """
    condition = Q(pk__in=[])
    if user is not None:
        linked = VisitorLink.objects.filter(user=user).values("visitor_id")
        condition |= Q(user=user) | Q(user__isnull=True, visitor_id__in=linked)
    if visitor_id:
        condition |= Q(user__isnull=True, visitor_id=visitor_id)
    return Event.objects.filter(condition)


def events_with_unit() -> QuerySet[Event]:
    """Events annotated with `unit` (a shopper.Unit key), anonymous events stitched to their user.

    For training exports: one sequence per unit, whether or not the shopper was signed in at the time.
    """
    linked_user = (
        VisitorLink.objects.filter(visitor_id=OuterRef("visitor_id")).order_by("-created_at").values("user_id")
    )
    return Event.objects.annotate(
        unit_user_id=Coalesce(F("user_id"), Subquery(linked_user[:1])),
        unit=Coalesce(
            Concat(Value(USER_PREFIX), Cast("unit_user_id", CharField())),
            Concat(Value(VISITOR_PREFIX), F("visitor_id")),
            output_field=CharField(),
        ),
    )


def recent_events(
    *, visitor_id: str | None = None, user=None, limit: int = 50, types: Collection[str] | None = None
) -> list[RecentEvent]:
    """The newest events of a shopper, from the Redis buffer (not flushed yet) and the database, newest first.

    `types` keeps only those event types (in SQL: a page's impressions carry long product lists
    that a caller after product views would read and throw away).
    """
    user_id = user.pk if user is not None and user.is_authenticated else None
    visitor_ids = visitor_ids_for_user(user=user) if user_id is not None else []
    if visitor_id and visitor_id not in visitor_ids:
        visitor_ids.append(visitor_id)
    found: dict[str, RecentEvent] = {}
    if buffer.is_configured():
        try:
            for event in buffer.recent(visitor_ids=visitor_ids, user_id=user_id, limit=limit):
                if (event.user_id is None or event.user_id == user_id) and (types is None or event.type in types):
                    found.setdefault(event.uuid, _recent_from_tracked(event))
        except buffer.BufferUnavailable as exc:
            logger.warning("Recent events read from the database only: %s", exc)
    for row in _recent_rows(user_id=user_id, visitor_ids=visitor_ids[-MAX_RECENT_VISITORS:], limit=limit, types=types):
        found.setdefault(str(row.uuid), _recent_from_row(row))
    return sorted(found.values(), key=lambda e: e.timestamp, reverse=True)[:limit]


def _recent_rows(
    *, user_id: int | None, visitor_ids: list[str], limit: int, types: Collection[str] | None = None
) -> list[Event]:
    """One query, walking the (visitor, timestamp) and (user, timestamp) indexes backwards.

    Other users' events on a shared browser are dropped here rather than in SQL: `user_id IS NULL`
    would tempt the planner away from those indexes on a table where most rows are anonymous.
    """
    condition = Q(visitor_id__in=visitor_ids) if visitor_ids else Q(pk__in=[])
    if user_id is not None:
        condition |= Q(user_id=user_id)
    elif not visitor_ids:
        return []
    rows = Event.objects.filter(condition)
    if types is not None:
        rows = rows.filter(type__in=sorted(types))
    rows = rows.order_by("-timestamp", "-pk")[: limit * 2]
    return [row for row in rows if row.user_id is None or row.user_id == user_id][:limit]


def _recent_from_tracked(event) -> RecentEvent:
    return RecentEvent(
        uuid=event.uuid,
        type=event.type,
        timestamp=event.timestamp,
        product_id=event.product_id,
        context=event.context,
        value=event.value,
        path=event.path,
    )


def _recent_from_row(row: Event) -> RecentEvent:
    return RecentEvent(
        uuid=str(row.uuid),
        type=row.type,
        timestamp=row.timestamp,
        product_id=row.product_id,
        context=row.context,
        value=row.value,
        path=row.path,
    )
