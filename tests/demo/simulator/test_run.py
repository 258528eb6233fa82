from datetime import timedelta

import pytest
from django.conf import settings
from django.db import connection
from django.utils import timezone

from demo.simulator.run import Simulation
from personalization.tracking.models import Event
from shop.models import Order, Product

pytestmark = pytest.mark.slow


START = timezone.now().replace(microsecond=0) - timedelta(days=3)


def _play(seed: int) -> tuple[Simulation, list]:
    simulation = Simulation(visitors=40, days=3, seed=seed, start=START)
    simulation.play(progress=False)
    trace = [
        (index, at, r.pages, r.clicks, r.added_to_cart, len(r.orders))
        for index, visits in sorted(simulation.results.items())
        for at, r in visits
    ]
    return simulation, trace


def test_a_short_run_records_every_kind_of_event_at_simulated_times(demo_catalog):
    # when
    simulation, _ = _play(seed=42)

    # then every kind of event came through the real pipeline
    types = set(Event.objects.values_list("type", flat=True).distinct())
    expected = {
        "page_view", "product_view", "search", "add_to_cart", "checkout_start", "purchase",
        "list_impression", "list_click",
    }  # fmt: skip
    assert expected <= types, f"missing {expected - types}"
    summary = simulation.summary()
    assert summary.total.orders == Order.objects.count() > 0
    assert summary.total.sessions == len(simulation.queue)
    # and events and orders carry the simulated time of their visit
    times = list(Event.objects.values_list("timestamp", flat=True)) + list(
        Order.objects.values_list("created_at", flat=True)
    )
    assert min(times) >= simulation.start
    assert max(times) <= simulation.end + timedelta(hours=2)
    assert max(times) - min(times) > timedelta(days=1), "visits should spread over the simulated days"


def test_the_same_seed_plays_the_same_visits(demo_catalog):
    from django.contrib.auth import get_user_model
    from django.contrib.sessions.models import Session
    from django.core.cache import cache

    from personalization.experiments.models import Exposure

    stock = dict(Product.objects.values_list("pk", "stock"))
    _, first = _play(seed=9)

    Event.objects.all().delete()
    Order.objects.all().delete()
    Exposure.objects.all().delete()
    Session.objects.all().delete()
    get_user_model().objects.filter(username__startswith="sim").delete()
    for pk, count in stock.items():
        Product.objects.filter(pk=pk).update(stock=count)
    cache.clear()
    # The same seed gives the visitors the same ids: with Redis, they would find the first run's
    # recent-event lists there and come back with a history.
    _tracking_redis_clear()
    _, again = _play(seed=9)

    assert first == again


@pytest.mark.skipif(not settings.USING_POSTGRES, reason="worker processes need a shared server database")
def test_worker_processes_play_every_visit_once_and_keep_each_shopper_one_visitor(demo_catalog):
    # when two processes share the shoppers out, a simulated day at a time
    simulation = Simulation(visitors=40, days=3, seed=42, start=START, workers=2)
    simulation.play(progress=False)

    # then every visit was played once, and what they bought is in the database
    summary = simulation.summary()
    assert summary.total.sessions == simulation.played == len(simulation.queue)
    assert summary.total.orders == Order.objects.count() > 0
    # and each shopper came back over the days as one visitor (the cookies came home), no two the same
    visitors = {browser.visitor_id for browser in simulation.browsers.values()}
    assert len(visitors) == len(simulation.browsers) == len({v.shopper for v in simulation.queue})
    recorded = set(Event.objects.exclude(visitor_id="").values_list("visitor_id", flat=True).distinct())
    assert recorded == visitors
    # and every order not yet delivered still has its buyer's answer to the shop's e-mail to come, once
    pending = [number for _, _, number in simulation.review_requests]
    undelivered = set(Order.objects.exclude(status=Order.Status.DELIVERED).values_list("number", flat=True))
    assert undelivered <= set(pending) and len(pending) == len(set(pending))


@pytest.mark.skipif(not settings.USING_POSTGRES, reason="worker processes need a shared server database")
def test_a_failing_worker_process_stops_the_run_with_its_traceback(demo_catalog, monkeypatch):
    from demo.simulator import run

    def broken(browser):
        raise KeyError("no such shelf")

    monkeypatch.setattr(run, "visit_play", broken)  # the forked processes inherit the patch
    simulation = Simulation(visitors=6, days=1, seed=3, start=START, workers=2)
    with pytest.raises(RuntimeError, match="no such shelf"):
        simulation.play(progress=False)
    assert simulation.played == 0


def test_worker_processes_refuse_a_database_only_this_process_can_see(db):
    if connection.vendor != "sqlite" or not connection.is_in_memory_db():
        pytest.skip("the test database is not an in-memory SQLite one")
    with pytest.raises(ValueError, match="in-memory"):
        Simulation(visitors=3, days=1, seed=1, start=START, workers=2, catalog=_tiny_catalog()).play(progress=False)


def _tiny_catalog():
    from demo.simulator.shoppers import Catalog, CatalogItem

    item = CatalogItem(pk=1, slug="mug", category="kitchen", brand="Acme", price_level=0.5)
    return Catalog(items={1: item}, category_names={"kitchen": "Kitchen"}, brands_by_category={"kitchen": ("Acme",)})


def _tracking_redis_clear() -> None:
    from personalization.tracking import buffer

    if settings.TRACKING_REDIS_URL:
        redis = buffer.client()
        keys = list(redis.scan_iter(match=settings.TRACKING_REDIS_PREFIX + "*"))
        if keys:
            redis.delete(*keys)
