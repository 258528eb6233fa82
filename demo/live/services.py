"""Every write to the live traffic's row: staff's start, stop and pace; the playing process's reports."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from demo.models import LiveTraffic

MIN_PACE = 0.2
MAX_PACE = 20.0
REPORTED_FIELDS = frozenset(
    {"state", "generation", "simulated_day", "sessions", "orders", "nights", "last_retrain", "message"}
)


def live_traffic_get() -> LiveTraffic:
    """The one row, made on first use."""
    row, _created = LiveTraffic.objects.get_or_create(pk=1)
    return row


def _pace_checked(pace: object) -> float:
    try:
        value = float(pace)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        raise ValidationError(_("The pace must be a number of visits a second."), code="invalid_pace") from None
    if not MIN_PACE <= value <= MAX_PACE:
        raise ValidationError(
            _("The pace must be between %(low)s and %(high)s visits a second.") % {"low": MIN_PACE, "high": MAX_PACE},
            code="invalid_pace",
        )
    return value


def live_traffic_start(*, by=None, pace: object = None) -> LiveTraffic:
    """Ask the process to play traffic (at `pace` visits a second at most, when given); a bad pace changes nothing."""
    checked = _pace_checked(pace) if pace is not None else None
    with transaction.atomic():
        row = live_traffic_get()
        row.running = True
        if checked is not None:
            row.pace = checked
        row.changed_at, row.changed_by = timezone.now(), by
        row.save(update_fields=["running", "pace", "changed_at", "changed_by"])
    return row


def live_traffic_stop(*, by=None) -> LiveTraffic:
    """Ask the process to pause after the visit it is playing (it keeps running, idle, until started again)."""
    with transaction.atomic():
        row = live_traffic_get()
        row.running = False
        row.changed_at, row.changed_by = timezone.now(), by
        row.save(update_fields=["running", "changed_at", "changed_by"])
    return row


def live_traffic_report(*, process_id: int, started_at=None, **fields) -> LiveTraffic:
    """The playing process says where it is; returns the row, so it also reads what staff asked for."""
    unknown = set(fields) - REPORTED_FIELDS
    if unknown:
        raise ValueError(f"Live traffic does not record {', '.join(sorted(unknown))}.")
    row = live_traffic_get()
    for name, value in fields.items():
        setattr(row, name, value)
    row.process_id, row.heartbeat_at = process_id, timezone.now()
    updated = ["process_id", "heartbeat_at", *fields]
    if started_at is not None:
        row.started_at = started_at
        updated.append("started_at")
    row.save(update_fields=updated)
    return row
