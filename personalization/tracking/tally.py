"""How many requests the tracking policy let through or refused, and why, per minute: the console's bot share.

DecisionTallyMiddleware sits after TrackingMiddleware and counts request.tracking.reason ("ok", "bot",
"dnt", ...) once the response has been sent. With a tracking Redis the counts live there (one
pipelined HINCRBY per request, kept two hours) and every process adds to them; without one they are
this process's own, which is what a single development server needs.
"""

from __future__ import annotations

import time
from collections import Counter
from dataclasses import dataclass
from datetime import datetime

from django.http import HttpRequest, HttpResponse

from personalization.tracking import buffer

KEEP_SECONDS = 2 * 60 * 60
_local: dict[int, Counter] = {}


@dataclass(frozen=True)
class DecisionCounts:
    by_reason: dict[str, int]

    @property
    def total(self) -> int:
        return sum(self.by_reason.values())

    @property
    def bots(self) -> int:
        return self.by_reason.get("bot", 0)

    @property
    def bot_share(self) -> float | None:
        return self.bots / self.total if self.total else None


def _minute(epoch_seconds: float) -> int:
    return int(epoch_seconds // 60)


def decision_count(reason: str, *, at: float | None = None) -> None:
    minute = _minute(time.time() if at is None else at)
    if buffer.is_configured():
        try:
            client = buffer.client()
            name = buffer.key(f"decisions:{minute}")
            client.pipeline(transaction=False).hincrby(name, reason, 1).expire(name, KEEP_SECONDS).execute()
            return
        except Exception:  # a tally is never worth failing or slowing a page for
            return
    for old in [m for m in _local if m < minute - KEEP_SECONDS // 60]:
        del _local[old]
    _local.setdefault(minute, Counter())[reason] += 1


def decision_counts(*, now: datetime, minutes: int) -> DecisionCounts:
    """Decisions of the last `minutes` minutes, the current one included."""
    last = _minute(now.timestamp())
    wanted = range(last - minutes + 1, last + 1)
    totals: Counter = Counter()
    if buffer.is_configured():
        try:
            client = buffer.client()
            pipe = client.pipeline(transaction=False)
            for minute in wanted:
                pipe.hgetall(buffer.key(f"decisions:{minute}"))
            for row in pipe.execute():
                totals.update({reason.decode(): int(n) for reason, n in row.items()})
        except Exception:
            return DecisionCounts(by_reason={})
    else:
        for minute in wanted:
            totals.update(_local.get(minute, {}))
    return DecisionCounts(by_reason=dict(totals))


class DecisionTallyMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        decision = getattr(request, "tracking", None)
        if decision is not None and decision.reason != "excluded":
            # After the body has been sent, like the tracking middleware's own writes.
            response._resource_closers.append(lambda: decision_count(decision.reason))
        return response
