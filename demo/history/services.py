"""Every write to the demo history's status row; only the process that builds the history writes it."""

from __future__ import annotations

import os
from datetime import UTC, datetime

from demo.models import DemoHistory


def _wall_now() -> datetime:
    # Not timezone.now(): while simulated visits play, the simulator's clock stands in for it (days ago).
    return datetime.now(UTC)


def demo_history_get() -> DemoHistory:
    """The one row, made on first use."""
    row, _created = DemoHistory.objects.get_or_create(pk=1)
    return row


def demo_history_begin() -> DemoHistory:
    row = demo_history_get()
    row.state, row.step = DemoHistory.State.BUILDING, DemoHistory.Step.CAMPAIGNS
    row.done, row.total, row.message = 0, 0, ""
    row.process_id, row.finished_at = os.getpid(), None
    row.started_at = row.heartbeat_at = _wall_now()
    row.save()
    return row


def demo_history_report(*, step: str, done: int = 0, total: int = 0) -> None:
    """Where the building process is: a step of `DemoHistory.Step`, and visits played of the step's `total`."""
    if step not in DemoHistory.Step.values:
        raise ValueError(f"The demo history has no step {step!r}.")
    DemoHistory.objects.filter(pk=1).update(
        step=step, done=done, total=total, process_id=os.getpid(), heartbeat_at=_wall_now()
    )


def demo_history_finish(*, error: str = "") -> None:
    """Done, or (with the error) stopped before the end: the next `make run` finishes what is missing."""
    now = _wall_now()
    if error:
        fields = {"state": DemoHistory.State.FAILED, "message": error[:500]}
    else:
        fields = {"state": DemoHistory.State.DONE, "step": DemoHistory.Step.DONE, "finished_at": now, "message": ""}
    DemoHistory.objects.filter(pk=1).update(heartbeat_at=now, **fields)
