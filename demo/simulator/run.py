"""Play many simulated visits over simulated days, in time order, against the configured database.

Each visit runs under the simulated clock (see `clock.py`), so the events, orders,
sessions and exposures it leaves carry the visit's own time. The site is used as is;
the only changes are to this process's bookkeeping: DEBUG query logging is off, order
e-mails to the invented addresses go nowhere (the dummy e-mail backend), the invented
accounts' passwords (derived from the seed, so no secret) are hashed with fewer PBKDF2
rounds (a standard hash that Django upgrades at the next real sign-in), and on SQLite each
commit skips the fsync (`PRAGMA synchronous=OFF`), which only matters if the machine loses
power mid-run.

With `workers` above 1 each `play` call forks that many processes and deals the shoppers out
to them (shopper i to process i mod workers). They play their shoppers' visits in time order,
one simulated day at a time: no process starts a day before all have finished the one before,
so none runs ahead in simulated time. At the end of the call each hands its shoppers' browsers
(cookies, random streams, tastes) and results back, so the next call (after a retraining, say)
forks from where this one ended. Like the processes of a real deployment, each keeps its own
local cache (without Redis). Within a day the processes interleave as the operating system
schedules them, so what one shopper is shown can depend on what another did a moment before: a
run with several workers is not repeatable bit for bit, a run with one is. Several processes
need a database they can all open: PostgreSQL, or an SQLite file (opened in WAL mode, with
IMMEDIATE transactions, see settings); an in-memory SQLite database is refused.
"""

from __future__ import annotations

import heapq
import multiprocessing
import random
import time
import traceback
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import Decimal

from django.conf import settings
from django.contrib.auth.hashers import PBKDF2PasswordHasher
from django.db import connection, connections
from django.db.backends.signals import connection_created
from django.test.utils import override_settings
from django.utils import timezone

from demo.simulator import reviews
from demo.simulator.clock import SimulatedClock, simulated_time
from demo.simulator.session import Browser, VisitResult, visit_play
from demo.simulator.shoppers import Catalog, Shopper, catalog_load, shoppers_draw
from demo.simulator.summary import SimulationSummary, Tally
from personalization.shopper import Unit


@dataclass(frozen=True)
class Visit:
    at: datetime
    shopper: int


def _fast_sqlite(sender, connection, **kwargs) -> None:
    if connection.vendor == "sqlite":
        with connection.cursor() as cursor:
            cursor.execute("PRAGMA synchronous=OFF")


class SimulatedAccountHasher(PBKDF2PasswordHasher):
    """PBKDF2 with few rounds for invented accounts: a sign-up costs 1 ms, not half a second."""

    iterations = 1000


@contextmanager
def site_tuned_for_simulation() -> Iterator[None]:
    """No DEBUG query log, no e-mails, quick account hashes, no fsync per SQLite commit."""
    connection_created.connect(_fast_sqlite, dispatch_uid="simulator_fast_sqlite")
    hashers = [f"{__name__}.SimulatedAccountHasher", *settings.PASSWORD_HASHERS]
    try:
        if connection.connection is not None and not connection.in_atomic_block:
            _fast_sqlite(None, connection)
        with override_settings(
            DEBUG=False, EMAIL_BACKEND="django.core.mail.backends.dummy.EmailBackend", PASSWORD_HASHERS=hashers
        ):
            yield
    finally:
        connection_created.disconnect(dispatch_uid="simulator_fast_sqlite")


@contextmanager
def seeded_visitor_ids(rng: random.Random) -> Iterator[None]:
    """New visitors get their ids from the simulation's own random stream instead of `uuid4`.

    The site's code path is the same (the tracking middleware still makes and signs the cookie);
    only the source of the id changes, so a rerun with the same seed gives the same visitors the
    same ids, hence the same experiment variants and the same training data.
    """
    from personalization.tracking import middleware

    original = middleware.new_visitor_id
    middleware.new_visitor_id = lambda: uuid.UUID(int=rng.getrandbits(128), version=4).hex
    try:
        yield
    finally:
        middleware.new_visitor_id = original


def events_flush_all() -> int:
    """Move every buffered event into the database (Redis buffer only; a no-op otherwise)."""
    from personalization.tracking.services import events_flush

    total = 0
    while flushed := events_flush():
        total += flushed
    return total


class Simulation:
    """A population of shoppers and their visits, played in time order, in as many steps as wanted."""

    def __init__(
        self,
        *,
        visitors: int,
        days: float,
        seed: int = 42,
        start: datetime | None = None,
        catalog: Catalog | None = None,
        workers: int = 1,
    ) -> None:
        if workers < 1:
            raise ValueError("workers must be at least 1")
        self.workers = workers
        self.catalog = catalog or catalog_load()
        if not self.catalog.items:
            raise ValueError("The shop has no active products; load the demo store first (load_demo_store).")
        self.start = start or (timezone.now() - timedelta(days=days)).replace(microsecond=0)
        self.end = self.start + timedelta(days=days)
        self.seed = seed
        self.shoppers: list[Shopper] = shoppers_draw(
            count=visitors, seed=seed, catalog=self.catalog, start=self.start, days=days
        )
        self.queue = sorted(
            (Visit(at, shopper.index) for shopper in self.shoppers for at in shopper.visits),
            key=lambda visit: (visit.at, visit.shopper),
        )
        self.played = 0
        # The buyers' answers to the shop's e-mails after delivery, due at simulated moments between visits:
        # a heap of (when, shopper, order number), rebuilt from the browsers after worker processes played.
        self.review_requests: list[tuple[datetime, int, str]] = []
        self.requested_reviews = 0  # reviews written in answer to them
        self._shard: int | None = None  # in a worker process: the shard whose shoppers it plays
        self._answered: set[int] = set()  # in a worker process: shoppers who answered an e-mail there
        self.clock = SimulatedClock(self.start)
        self.visitor_ids = random.Random(f"{seed}:visitor-ids")
        self.browsers: dict[int, Browser] = {}
        self.results: dict[int, list[tuple[datetime, VisitResult]]] = {}
        self.seconds = 0.0

    @property
    def pending(self) -> int:
        return len(self.queue) - self.played

    def play(
        self,
        *,
        until: datetime | None = None,
        progress: bool = True,
        label: str = "shoppers",
        on_visit: Callable[[str, int, int], None] | None = None,
    ) -> int:
        """Play the visits that start before `until` (all of them by default); returns how many.

        `on_visit(label, played, of)` hears each visit played (the demo's history reports its progress).
        """
        from tqdm import tqdm

        upcoming = [v for v in self.queue[self.played :] if until is None or v.at < until]
        started = time.perf_counter()
        bar = tqdm(total=len(upcoming), desc=label, unit="session", disable=not progress, mininterval=1)
        with site_tuned_for_simulation(), simulated_time(self.clock), seeded_visitor_ids(self.visitor_ids), bar:
            if self.workers == 1:
                for number, visit in enumerate(upcoming, start=1):
                    self._play_visit(visit)
                    bar.update()
                    if on_visit is not None:
                        on_visit(label, number, len(upcoming))
            else:
                self._play_in_processes(upcoming, bar)
            self._review_requests_answer(until=self.end if until is None else min(until, self.end))
        events_flush_all()
        self.seconds += time.perf_counter() - started
        return len(upcoming)

    def play_next(self) -> VisitResult:
        """The next visit of the queue, in the caller's clock and settings (live traffic plays one at a time)."""
        if not self.pending:
            raise ValueError("Every visit of this simulation has been played.")
        self._play_visit(self.queue[self.played])
        return self.results[self.queue[self.played - 1].shopper][-1][1]

    def _play_visit(self, visit: Visit) -> None:
        browser = self.browsers.get(visit.shopper)
        if browser is None:
            shopper = self.shoppers[visit.shopper]
            browser = self.browsers[visit.shopper] = Browser(shopper, catalog=self.catalog, clock=self.clock)
        self._review_requests_answer(until=visit.at)
        self.clock.set(visit.at)
        result = visit_play(browser)
        self.results.setdefault(visit.shopper, []).append((visit.at, result))
        self.played += 1
        for number in result.orders:
            request = (reviews.review_request_time(browser, visit.at), number)
            browser.review_requests.append(request)
            heapq.heappush(self.review_requests, (request[0], visit.shopper, number))

    def _review_requests_answer(self, *, until: datetime) -> None:
        """The e-mails after delivery that buyers answer before `until`, each at its own simulated moment."""
        while self.review_requests and self.review_requests[0][0] < until:
            moment, index, number = heapq.heappop(self.review_requests)
            browser = self.browsers[index]
            browser.review_requests.remove((moment, number))
            if self._shard is not None:
                if index % self.workers != self._shard:
                    continue  # another worker process's shopper
                self._answered.add(index)  # its browser goes back to the parent, visits or not
            self.clock.set(max(self.clock.now(), moment))
            self.requested_reviews += reviews.review_request_answer(browser, number)

    def _play_in_processes(self, upcoming: list[Visit], bar) -> None:
        """``workers`` forked processes, each with its own shoppers, played one simulated day at a time."""
        global _playing
        _check_database_shared()
        if connection.vendor == "sqlite":
            with connection.cursor() as cursor:
                cursor.execute("PRAGMA journal_mode=WAL")
        days: dict[int, list[Visit]] = {}
        for visit in upcoming:
            days.setdefault(int((visit.at - self.start).total_seconds() // 86400), []).append(visit)
        context = multiprocessing.get_context("fork")
        connections.close_all()  # each process opens its own connection; none may inherit this one
        pipes, processes = [], []
        _playing = self
        try:
            for shard in range(self.workers):
                ours, theirs = context.Pipe()
                process = context.Process(target=_worker, args=(theirs, shard), daemon=True)
                process.start()
                theirs.close()
                pipes.append(ours)
                processes.append(process)
            for day, visits in sorted(days.items()):
                for shard, pipe in enumerate(pipes):
                    pipe.send((day, [v for v in visits if v.shopper % self.workers == shard]))
                for pipe in pipes:  # the day ends when every process has played its part of it
                    bar.update(_received(pipe))
            for pipe in pipes:
                pipe.send(None)
            for pipe in pipes:
                self._merge(_received(pipe))
        finally:
            _playing = None
            for pipe in pipes:
                pipe.close()  # a process still waiting for work (another one failed) reads the end of it
            for process in processes:
                process.join(timeout=30)
                if process.is_alive():
                    process.kill()

    def _merge(self, played: ShardPlayed) -> None:
        """Take over what a worker process's shoppers did and where their browsers are now."""
        for index, browser in played.browsers.items():
            browser.catalog, browser.clock = self.catalog, self.clock
            self.browsers[index] = browser
            self.shoppers[index] = browser.shopper
        for index, visits in played.results.items():
            self.results.setdefault(index, []).extend(visits)
            self.played += len(visits)
        self.requested_reviews += played.requested_reviews
        self.review_requests = sorted(
            (moment, index, number)
            for index, browser in self.browsers.items()
            for moment, number in browser.review_requests
        )

    def summary(self, *, experiment=None, since: datetime | None = None) -> SimulationSummary:
        """Totals of the visits since `since` (all by default), and per variant of `experiment` for its units."""
        from shop.models import Order

        played = {
            index: [result for at, result in visits if since is None or at >= since]
            for index, visits in self.results.items()
        }
        played = {index: results for index, results in played.items() if results}
        numbers = [n for results in played.values() for r in results for n in r.orders]
        totals = dict(Order.objects.filter(number__in=numbers).values_list("number", "total")) if numbers else {}
        variant_of = self._variants(experiment) if experiment is not None else {}
        total, variants = Tally(), {}
        for index, results in played.items():
            tallies = [total]
            if index in variant_of:
                tallies.append(variants.setdefault(variant_of[index], Tally()))
            for tally in tallies:
                _add(tally, results, totals)
        return SimulationSummary(
            total=total, seconds=self.seconds, variants=variants, experiment_key=getattr(experiment, "key", "")
        )

    def _variants(self, experiment) -> dict[int, str]:
        from personalization.experiments.models import Exposure

        units = {}
        for index, browser in self.browsers.items():
            units[Unit.for_visitor(browser.visitor_id).key] = index
            if browser.user_id:
                units.setdefault(Unit.for_user(browser.user_id).key, index)
        exposures = Exposure.objects.filter(experiment=experiment, unit_id__in=list(units), carried_from="")
        return {units[unit]: key for unit, key in exposures.values_list("unit_id", "variant__key")}


@dataclass
class ShardPlayed:
    """What a worker process sends back at the end: its shoppers' browsers and the results of their visits."""

    browsers: dict[int, Browser]
    results: dict[int, list[tuple[datetime, VisitResult]]]
    requested_reviews: int = 0


_playing: Simulation | None = None  # the simulation a forked worker process plays a part of


def _worker(pipe, shard: int) -> None:
    """A worker process: play each day's visits sent for its shoppers; at the end send their browsers and results.

    Anything that goes wrong is sent back as the traceback's text, for the parent to raise.
    """
    simulation = _playing
    assert simulation is not None, "only run in a process forked by Simulation._play_in_processes"
    _forget_inherited_connections()
    simulation._shard = shard
    simulation.requested_reviews = 0
    before: dict[int, int] = {}  # shopper -> how many results it had when this process started
    try:
        while isinstance(task := _next_task(pipe), tuple):
            day, visits = task
            # Each (day, process) draws new visitors' ids from its own stream: no two processes hand out the same id.
            simulation.visitor_ids.seed(f"{simulation.seed}:visitor-ids:{day}:{shard}")
            for visit in visits:
                before.setdefault(visit.shopper, len(simulation.results.get(visit.shopper, ())))
                simulation._play_visit(visit)
            pipe.send(len(visits))
        if task is None:  # the end of the run, not the parent giving up
            for index in simulation._answered:
                before.setdefault(index, len(simulation.results.get(index, ())))
            pipe.send(
                ShardPlayed(
                    browsers={index: simulation.browsers[index] for index in before},
                    results={index: simulation.results.get(index, [])[count:] for index, count in before.items()},
                    requested_reviews=simulation.requested_reviews,
                )
            )
    except BaseException:
        pipe.send(traceback.format_exc())
    finally:
        connections.close_all()


def _next_task(pipe) -> tuple[int, list[Visit]] | None | bool:
    """A day's visits, None at the end of the run, False when the parent closed the pipe (it gave up)."""
    try:
        return pipe.recv()
    except EOFError:
        return False


def _received(pipe):
    """The next message of a worker process; its traceback, or its death, raised here."""
    try:
        message = pipe.recv()
    except EOFError:
        raise RuntimeError("a simulator worker process died (killed, or out of memory?)") from None
    if isinstance(message, str):
        raise RuntimeError(f"a simulator worker process failed:\n{message}")
    return message


_inherited: list = []  # a worker process's copies of the parent's connections: never used, never closed


def _forget_inherited_connections() -> None:
    """Give this forked process database connections of its own.

    The parent closes its connection before forking, but Django keeps one per thread and async
    context (asgiref), and the fork can resolve to an open one of another context than the one
    that closed (seen in the test suite after the browser tests had run). Using that socket
    from two processes mixes their rows; closing it would end the parent's session. So each
    wrapper found here is set aside, still referenced so that it is never deallocated (which would
    say goodbye to the server on the parent's socket), and replaced by a fresh, unopened one.
    """
    for alias in connections:
        _inherited.append(connections[alias])
        connections[alias] = connections.create_connection(alias)


def _check_database_shared() -> None:
    """Worker processes must reach the same database: an in-memory SQLite one exists only in this process."""
    if connection.vendor == "sqlite" and connection.is_in_memory_db():
        raise ValueError("Several simulator workers need PostgreSQL or an SQLite file, not an in-memory database.")


def _add(tally: Tally, results: list[VisitResult], order_totals: dict[str, Decimal]) -> None:
    tally.visitors += 1
    tally.sessions += len(results)
    bought = False
    for r in results:
        tally.page_views += r.pages
        tally.product_views += r.product_views
        tally.searches += r.searches
        tally.impressions += r.impressions
        tally.clicks += r.clicks
        tally.carts += int(r.added_to_cart > 0)
        tally.orders += len(r.orders)
        tally.revenue += sum((order_totals.get(n, Decimal(0)) for n in r.orders), Decimal("0.00"))
        tally.sign_ups += int(r.signed_up)
        tally.vouchers_applied += r.vouchers_applied
        tally.ad_impressions += r.ad_impressions
        tally.ad_clicks += r.ad_clicks
        bought = bought or bool(r.orders)
    tally.buyers += int(bought)


def simulate(
    *, visitors: int, days: float, seed: int = 42, experiment=None, progress: bool = True, workers: int = 1
) -> SimulationSummary:
    """The `simulate_shoppers` command: a fresh population over the last `days` days, played to the end."""
    simulation = Simulation(visitors=visitors, days=days, seed=seed, workers=workers)
    simulation.play(progress=progress)
    return simulation.summary(experiment=experiment)
