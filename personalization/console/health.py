"""Tracking health for the console: events stored per minute, the Redis buffer's depth, dead letters, bot share.

Reads only. Events per minute come from the newest rows by primary key (an index walk), not from a scan
of the whole table by time, so the page costs the same on a day-old shop and a year-old one.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.utils import timezone

from personalization.tracking import buffer
from personalization.tracking.models import DeadLetterEvent, Event
from personalization.tracking.tally import DecisionCounts, decision_counts

WINDOW_MINUTES = 60
# At most this many newest events are read for the per-minute counts; a busier hour is shown as "at least".
RECENT_EVENT_LIMIT = 20_000


@dataclass(frozen=True)
class TrackingHealth:
    minutes: list[datetime]  # the start of each minute of the window, oldest first
    events_per_minute: list[int]
    window_truncated: bool  # more than RECENT_EVENT_LIMIT events in the window: the counts are lower bounds
    buffer_depth: int | None  # None: no Redis buffer (events are written directly) or Redis did not answer
    buffer_configured: bool
    dead_letters: int
    newest_dead_letter: datetime | None
    decisions: DecisionCounts

    @property
    def events_last_5_minutes_per_minute(self) -> float:
        return sum(self.events_per_minute[-5:]) / 5

    @property
    def events_in_window(self) -> int:
        return sum(self.events_per_minute)


def events_per_minute(*, now: datetime, minutes: int = WINDOW_MINUTES) -> tuple[list[datetime], list[int], bool]:
    end = now.replace(second=0, microsecond=0) + timedelta(minutes=1)
    start = end - timedelta(minutes=minutes)
    # Newest first by primary key; a filter on recorded_at would walk the whole table in a quiet hour.
    stamps = list(Event.objects.order_by("-pk").values_list("recorded_at", flat=True)[:RECENT_EVENT_LIMIT])
    truncated = len(stamps) == RECENT_EVENT_LIMIT and stamps[-1] >= start
    counts = [0] * minutes
    for stamp in stamps:
        index = int((stamp - start).total_seconds() // 60)
        if 0 <= index < minutes:
            counts[index] += 1
    return [start + timedelta(minutes=i) for i in range(minutes)], counts, truncated


def buffer_depth() -> int | None:
    try:
        return buffer.pending_length()
    except buffer.BufferUnavailable:
        return None


def tracking_health_snapshot(*, now: datetime | None = None) -> TrackingHealth:
    now = now or timezone.now()
    minutes, counts, truncated = events_per_minute(now=now)
    newest = DeadLetterEvent.objects.order_by("-created_at").values_list("created_at", flat=True).first()
    return TrackingHealth(
        minutes=minutes,
        events_per_minute=counts,
        window_truncated=truncated,
        buffer_depth=buffer_depth(),
        buffer_configured=buffer.is_configured(),
        dead_letters=DeadLetterEvent.objects.count(),
        newest_dead_letter=newest,
        decisions=decision_counts(now=now, minutes=WINDOW_MINUTES),
    )
