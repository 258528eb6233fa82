"""The live traffic's process: simulated shoppers visit the running site, and the models retrain each night.

A population of simulated shoppers (`demo.simulator.shoppers`, the same hidden tastes as the demo's
history) lives through `days` simulated days; their visits are played one after another through the
real site (`session.visit_play`), as fast as the pace staff set allows, stamped with the real time
(they happen now, the way a shopper's would). A simulated day is the population's visits of one day
of its schedule: when the next visit belongs to the next day, the simulated night comes and
popularity, co-visitation and SASRec are retrained on everything recorded so far, each promoted only
if it beats the champion on the holdout, as the nightly beat task does. When a population has lived
all its days, a new one comes (a new seed): new visitors keep entering the experiment.

So that a person browsing the site is not slowed, the process lowers its own CPU priority (nice),
trains on one thread, sleeps between visits to keep to the pace, and on SQLite switches the database
to WAL mode, where the site's reads never wait for this process's writes.
"""

from __future__ import annotations

import logging
import os
import random
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

import torch
from django.db import connection
from django.utils import timezone

from demo.live.services import live_traffic_get, live_traffic_report
from demo.models import LiveTraffic
from demo.simulator.clock import SimulatedClock
from demo.simulator.closed_loop import MODEL_KINDS
from demo.simulator.run import Simulation, events_flush_all, seeded_visitor_ids, site_tuned_for_simulation

logger = logging.getLogger(__name__)
REPORT_EVERY = 2.0  # seconds between reports (and reads of what staff asked for)
IDLE_WAIT = 2.0  # seconds between reads while paused
NICENESS = 10


class WallClock(SimulatedClock):
    """The real clock, for browsers of live traffic: visits happen now, and reading pages takes no time."""

    def __init__(self) -> None:
        super().__init__(timezone.now())

    def now(self) -> datetime:
        return timezone.now()

    def set(self, moment: datetime) -> None:
        pass

    def advance(self, seconds: float) -> None:
        pass


@dataclass
class LiveTotals:
    sessions: int = 0
    orders: int = 0
    nights: int = 0
    last_retrain: str = ""
    message: str = ""


class LiveLoop:
    """Plays populations of simulated shoppers against the site until stopped (or a limit, for tests)."""

    def __init__(
        self,
        *,
        visitors: int = 2000,
        days: float = 7,
        seed: int = 42,
        epochs: int | None = 10,
        say: Callable[[str], None] = lambda line: None,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        if visitors < 1 or days <= 0:
            raise ValueError("Live traffic needs at least one visitor and a positive number of days.")
        self.visitors, self.days, self.seed, self.epochs = visitors, days, seed, epochs
        self.say, self.sleep = say, sleep
        self.totals = LiveTotals()
        self.started_at = timezone.now()
        self.process_id = os.getpid()
        self.simulation: Simulation | None = None
        self.night = 0  # the simulated days of the current population that have ended
        self.state = LiveTraffic.State.PAUSED
        self._reported = 0.0

    def _population(self) -> Simulation:
        """A new population of shoppers, numbered in the row so that a restarted process never replays one."""
        row = live_traffic_get()
        generation = row.generation + 1
        live_traffic_report(process_id=self.process_id, generation=generation, simulated_day=0.0)
        simulation = Simulation(
            visitors=self.visitors, days=self.days, seed=self.seed * 1000 + generation, start=timezone.now()
        )
        simulation.clock = WallClock()
        simulation.visitor_ids = random.Random(f"{self.seed}:live-visitor-ids:{generation}")
        self.night = 0
        self.say(
            f"Population {generation}: {self.visitors} simulated shoppers, {len(simulation.queue)} visits "
            f"over {self.days:g} simulated days."
        )
        return simulation

    def _day_of(self, moment: datetime) -> float:
        return (moment - self.simulation.start).total_seconds() / 86400

    def report(self, *, force: bool = False) -> LiveTraffic | None:
        """Write where the process is (at most every REPORT_EVERY seconds unless forced); the row as staff left it."""
        if not force and time.monotonic() - self._reported < REPORT_EVERY:
            return None
        self._reported = time.monotonic()
        day = self._day_of(self.simulation.queue[self.simulation.played - 1].at) if self._played_any() else 0.0
        return live_traffic_report(
            process_id=self.process_id,
            started_at=self.started_at,
            state=self.state,
            simulated_day=round(day, 2),
            sessions=self.totals.sessions,
            orders=self.totals.orders,
            nights=self.totals.nights,
            last_retrain=self.totals.last_retrain[:300],
            message=self.totals.message[:500],
        )

    def _played_any(self) -> bool:
        return self.simulation is not None and self.simulation.played > 0

    def retrain(self) -> None:
        """The simulated night: every model kind retrained on what the site recorded; heartbeats while it trains."""
        from personalization.recommendations.models import ModelVersion
        from personalization.recommendations.training import model_version_train

        self.state = LiveTraffic.State.TRAINING
        self.report(force=True)
        events_flush_all()
        decisions = []
        threads = torch.get_num_threads()
        torch.set_num_threads(1)
        try:
            for kind in MODEL_KINDS:
                try:
                    version = model_version_train(
                        kind=kind,
                        epochs=self.epochs if kind == "sasrec" else None,
                        seed=self.seed,
                        on_progress=lambda state: self.report(),
                    )
                except Exception as error:  # too little data yet, say: the champion serves on, traffic goes on
                    logger.warning("Live traffic: %s not retrained: %s", kind, error)
                    decisions.append(f"{kind} not retrained ({type(error).__name__})")
                    continue
                promoted = version.status == ModelVersion.Status.CHAMPION
                decisions.append(f"{kind} v{version.pk} {'promoted' if promoted else 'kept the champion'}")
        finally:
            torch.set_num_threads(threads)
        self.totals.nights += 1
        self.totals.last_retrain = f"Night {self.night}: " + ", ".join(decisions)
        self.say(self.totals.last_retrain)
        self.state = LiveTraffic.State.PLAYING

    def _wait_while_paused(self, row: LiveTraffic | None) -> LiveTraffic:
        row = row or live_traffic_get()
        while not row.running:
            if self.state != LiveTraffic.State.PAUSED:
                self.state = LiveTraffic.State.PAUSED
                self.say("Paused by staff.")
            self.report(force=True)
            self.sleep(IDLE_WAIT)
            row = live_traffic_get()
        if self.state == LiveTraffic.State.PAUSED:
            self.say(f"Playing, at most {row.pace:g} visits a second.")
        self.state = LiveTraffic.State.PLAYING
        return row

    def run(self, *, max_sessions: int | None = None, max_nights: int | None = None) -> LiveTotals:
        """Play until interrupted, or until `max_sessions` visits or `max_nights` retrainings (tests, measures)."""

        def done() -> bool:
            return (max_sessions is not None and self.totals.sessions >= max_sessions) or (
                max_nights is not None and self.totals.nights >= max_nights
            )

        lower_priority()
        wal_on_sqlite()
        row = self._wait_while_paused(None)
        try:
            while not done():
                self.simulation = self._population()
                with site_tuned_for_simulation(), seeded_visitor_ids(self.simulation.visitor_ids):
                    while self.simulation.pending and not done():
                        row = self._wait_while_paused(self.report() or row)
                        visit = self.simulation.queue[self.simulation.played]
                        if int(self._day_of(visit.at)) > self.night:
                            self.night = int(self._day_of(visit.at))
                            self.retrain()
                            continue
                        self._play(pace=row.pace)
        finally:
            self.state = LiveTraffic.State.STOPPED
            self.report(force=True)
        return self.totals

    def _play(self, *, pace: float) -> None:
        began = time.monotonic()
        try:
            result = self.simulation.play_next()
            self.totals.orders += len(result.orders)
        except Exception as error:  # one broken visit must not end the demo; staff see the last error
            logger.exception("A live visit failed")
            self.simulation.played += 1
            self.totals.message = f"{timezone.now():%H:%M:%S} {type(error).__name__}: {error}"
        self.totals.sessions += 1
        rest = 1.0 / pace - (time.monotonic() - began)
        if rest > 0:
            self.sleep(rest)


def lower_priority() -> None:
    """NICENESS, once: the history that runs first in the same process has lowered it already."""
    try:
        os.nice(max(0, NICENESS - os.nice(0)))
    except OSError:  # not permitted here: play at the usual priority
        pass


def wal_on_sqlite() -> None:
    """In WAL mode readers never wait for a writer: the site's pages read while this process writes events."""
    if connection.vendor == "sqlite" and not connection.is_in_memory_db():
        with connection.cursor() as cursor:
            cursor.execute("PRAGMA journal_mode=WAL")


def live_traffic_wait_for_site(url: str, *, timeout: float = 600, sleep: Callable[[float], None] = time.sleep) -> bool:
    """Wait until the site answers at `url` (the server is up), so live traffic never slows its start."""
    from urllib.error import URLError
    from urllib.request import urlopen

    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            with urlopen(url, timeout=5) as response:  # noqa: S310 (a local URL given on the command line)
                if response.status < 500:
                    return True
        except (URLError, OSError):
            pass
        sleep(1.0)
    return False
