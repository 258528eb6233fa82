"""Simulated time: the one clock the site reads while a simulated visit runs.

The site stamps events, orders, sessions and exposures with `django.utils.timezone.now()`;
`simulated_time` patches that function (with unittest.mock, in this process only) so each
row carries the moment of the simulated visit, not the moment the simulation ran. Nothing
is rewritten afterwards: what is stored is what the site wrote. Real wall-clock reads
(`time.time()`: rate limits, cache expiry) are left alone, as they are about the process.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime, timedelta
from unittest import mock


class SimulatedClock:
    def __init__(self, start: datetime) -> None:
        self.current = start

    def now(self) -> datetime:
        return self.current

    def set(self, moment: datetime) -> None:
        self.current = moment

    def advance(self, seconds: float) -> None:
        self.current += timedelta(seconds=seconds)


@contextmanager
def simulated_time(clock: SimulatedClock) -> Iterator[SimulatedClock]:
    with mock.patch("django.utils.timezone.now", clock.now):
        yield clock
