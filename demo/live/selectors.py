"""The live traffic's status as staff read it: what was asked, whether a process plays it, how far it got."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.utils import timezone

from demo.models import LiveTraffic

# The process reports at least every few seconds, and during a retraining between its epochs' batches of
# work; a report older than this means no process is playing (never started, or ended).
ALIVE_WITHIN = timedelta(seconds=90)


@dataclass(frozen=True)
class LiveTrafficStatus:
    running: bool  # what staff asked for
    pace: float
    alive: bool  # a process reported recently
    state: str
    state_label: str
    heartbeat_at: datetime | None
    started_at: datetime | None
    generation: int
    simulated_day: float
    sessions: int
    orders: int
    nights: int
    last_retrain: str
    message: str
    sessions_per_minute: float | None


def live_traffic_status(*, now: datetime | None = None) -> LiveTrafficStatus:
    now = now or timezone.now()
    row = LiveTraffic.objects.filter(pk=1).first() or LiveTraffic(pk=1)
    alive = row.heartbeat_at is not None and now - row.heartbeat_at <= ALIVE_WITHIN
    state = row.state if alive else LiveTraffic.State.STOPPED
    minutes = (row.heartbeat_at - row.started_at).total_seconds() / 60 if alive and row.started_at else 0
    return LiveTrafficStatus(
        running=row.running,
        pace=row.pace,
        alive=alive,
        state=state,
        state_label=LiveTraffic.State(state).label,
        heartbeat_at=row.heartbeat_at,
        started_at=row.started_at,
        generation=row.generation,
        simulated_day=row.simulated_day,
        sessions=row.sessions,
        orders=row.orders,
        nights=row.nights,
        last_retrain=row.last_retrain,
        message=row.message,
        sessions_per_minute=row.sessions / minutes if minutes >= 0.5 else None,
    )
