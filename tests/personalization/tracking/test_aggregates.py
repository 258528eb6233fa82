"""Daily aggregates kept up to date incrementally, and the five-minute models reading them."""

import uuid
from datetime import UTC, datetime, timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from personalization.tracking import storage
from personalization.tracking.aggregates import (
    daily_aggregates_rebuild,
    daily_aggregates_update,
)
from personalization.tracking.models import InteractionDay, ProductDay
from personalization.tracking.schema import TrackedEvent
from personalization.tracking.services import behaviour_data_delete, events_purge_expired
from tests.factories import make_product, make_user

pytestmark = pytest.mark.django_db


def event(kind, product, moment, *, visitor="v1", user=None):
    return TrackedEvent(
        uuid=str(uuid.uuid4()),
        type=kind,
        timestamp=moment,
        recorded_at=moment,
        visitor_id=visitor,
        user_id=user,
        product_id=product,
    )


def snapshot():
    units = InteractionDay.objects.values_list(
        "day", "product_id", "user_id", "visitor_id", "type", "count", "first_at", "last_at"
    )
    return sorted(units), sorted(ProductDay.objects.values_list("day", "product_id", "type", "count"))


def test_two_incremental_runs_equal_a_full_recount():
    # given events of two days, counted once
    a, b = make_product().pk, make_product().pk
    user = make_user().pk
    yesterday = timezone.now().replace(hour=10) - timedelta(days=1)
    today = yesterday + timedelta(days=1)
    storage.store_events(
        [
            event("product_view", a, yesterday),
            event("product_view", a, yesterday + timedelta(hours=1)),
            event("add_to_cart", a, yesterday + timedelta(hours=2), user=user),
            event("list_impression", b, yesterday),
            event("page_view", None, yesterday),
        ]
    )
    assert daily_aggregates_update() == 5
    # when more arrive: the same keys again, a new day, and one late event of yesterday earlier than the rest
    storage.store_events(
        [
            event("product_view", a, yesterday + timedelta(hours=5)),
            event("product_view", a, yesterday - timedelta(hours=3)),
            event("purchase", b, today, visitor="v2", user=user),
            event("list_impression", b, today),
        ]
    )
    assert daily_aggregates_update() == 4
    assert daily_aggregates_update() == 0  # nothing new: nothing read
    incremental = snapshot()
    # then the aggregates are what a recount of every event gives
    daily_aggregates_rebuild()
    assert snapshot() == incremental
    views = InteractionDay.objects.get(product_id=a, type="product_view", user_id=0)
    assert (views.count, views.first_at, views.last_at) == (
        4,
        yesterday - timedelta(hours=3),
        yesterday + timedelta(hours=5),
    )
    assert ProductDay.objects.get(product_id=b, type="list_impression", day=today.astimezone(UTC).date()).count == 1
    assert not InteractionDay.objects.filter(type="list_impression").exists()  # not an interaction


def test_a_shoppers_deletion_and_retention_reach_the_aggregates(settings):
    product = make_product().pk
    user = make_user()
    now = timezone.now()
    storage.store_events(
        [
            event("product_view", product, now, visitor="mine", user=user.pk),
            event("product_view", product, now, visitor="theirs"),
            event("product_view", product, now - timedelta(days=40), visitor="old"),
        ]
    )
    daily_aggregates_update()
    behaviour_data_delete(user=user, visitor_id="mine")
    assert set(InteractionDay.objects.values_list("visitor_id", flat=True)) == {"theirs", "old"}
    settings.TRACKING_RETENTION_DAYS = 30
    events_purge_expired()
    assert set(InteractionDay.objects.values_list("visitor_id", flat=True)) == {"theirs"}
    assert not ProductDay.objects.filter(day__lt=(now - timedelta(days=30)).date()).exists()


def test_the_five_minute_models_read_the_aggregates_and_only_new_events():
    from personalization.recommendations.models import ModelVersion
    from personalization.recommendations.training import model_version_train

    # given a store with some behaviour, already aggregated
    products = [make_product().pk for _ in range(8)]
    start = datetime.now(UTC) - timedelta(days=3)
    rows = []
    for visitor in range(30):
        for step in range(5):
            product = products[(visitor + step * (1 + visitor % 3)) % len(products)]
            rows.append(
                event("product_view", product, start + timedelta(minutes=visitor * 7 + step), visitor=f"s{visitor}")
            )
    storage.store_events(rows)
    daily_aggregates_update()
    # when popularity and co-visitation are refreshed
    with CaptureQueriesContext(connection) as queries:
        for kind in (ModelVersion.Kind.POPULARITY, ModelVersion.Kind.COVISIT):
            version = model_version_train(kind=kind, always_promote=True)
            assert version.status != ModelVersion.Status.FAILED, version.error
            assert version.snapshot["rows_read"] == InteractionDay.objects.count()
    # then no query read the events but by id past the watermark (and the newest id)
    reads = [q["sql"] for q in queries.captured_queries if "tracking_event" in q["sql"].replace('"', "")]
    assert reads
    for sql in reads:
        plain = sql.replace('"', "")
        assert "id > " in plain or "MAX(tracking_event.id)" in plain or "LOCK TABLE" in plain, sql
