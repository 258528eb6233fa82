"""The trending row reads the daily aggregates: the raw events' ranking, without touching the event table."""

import uuid
from collections import defaultdict
from datetime import UTC, datetime, time, timedelta

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from personalization.serving.trending import WEIGHTS, rising_in_category, trend_order, trend_windows
from personalization.tracking.aggregates import daily_aggregates_update
from personalization.tracking.models import Event
from tests.factories import make_category, make_product

pytestmark = pytest.mark.django_db


def midnight(days_ago: int) -> datetime:
    today = timezone.now().astimezone(UTC).date()
    return datetime.combine(today - timedelta(days=days_ago), time(0, 30), tzinfo=UTC)


def store(product, kind, days_ago, times=1, *, hours=0):
    moment = midnight(days_ago) + timedelta(hours=hours)
    Event.objects.bulk_create(
        Event(
            uuid=uuid.uuid4(),
            type=kind,
            timestamp=moment,
            recorded_at=moment,
            visitor_id=f"v{n}",
            product=product,
        )
        for n in range(times)
    )


def raw_ranking(category) -> list[int]:
    """The trend counted from every raw event, over the same UTC days."""
    since, recent_from = trend_windows(timezone.now().astimezone(UTC).date())
    heat = defaultdict(lambda: [0.0, 0.0])
    for event in Event.objects.filter(product__category=category, product__is_active=True, product__stock__gt=0):
        day = event.timestamp.astimezone(UTC).date()
        if event.type in WEIGHTS and day >= since:
            heat[event.product_id][0 if day >= recent_from else 1] += WEIGHTS[event.type]
    return trend_order([(pk, recent, before) for pk, (recent, before) in heat.items()])


@pytest.fixture
def history():
    """Seven products of one category (and one of another), each with its own story."""
    shoes = make_category()
    steady, new_hit, bought, faint, faded, sold_out = (make_product(category=shoes) for _ in range(6))
    sold_out.stock = 0
    sold_out.save(update_fields=["stock"])
    elsewhere = make_product()
    store(new_hit, "product_view", 0, 4)
    store(new_hit, "product_view", 2, 2)  # the first day of the recent window
    store(steady, "add_to_cart", 1, 2)
    store(steady, "product_view", 3, 14)  # the last day of the baseline
    store(bought, "purchase", 0)
    store(bought, "list_impression", 0, 9)  # not interest: weighs nothing
    store(faint, "product_view", 1)
    store(faint, "product_view", 20, 6)  # before the baseline: forgotten
    store(faded, "product_view", 5, 8)  # nothing recent: not trending
    store(sold_out, "product_view", 0, 9)
    store(elsewhere, "product_view", 0, 9)
    daily_aggregates_update()
    cache.clear()
    return shoes, [new_hit, bought, faint, steady]


def test_trending_ranks_as_the_raw_events_do(history):
    # given a small history counted into the daily aggregates
    shoes, by_hand = history
    # when the row is ranked
    ranking = rising_in_category(shoes.pk)
    # then it is the raw events' ranking, and the one worked by hand:
    # 7/1 (new hit), 6/1 (one purchase), 2/1 (one recent view), 7/(14 x 3/14 + 1) (steady)
    assert ranking == raw_ranking(shoes)
    assert ranking == [p.pk for p in by_hand]


def test_trending_does_not_read_the_event_table(history):
    # given
    shoes, _ = history
    # when
    with CaptureQueriesContext(connection) as queries:
        rising_in_category(shoes.pk)
    # then one query, on the aggregates only
    statements = [query["sql"] for query in queries.captured_queries]
    assert len(statements) == 1, statements
    assert Event._meta.db_table not in statements[0], statements[0]
