import pytest
from django.core.cache import cache
from django.db.backends.postgresql.operations import DatabaseOperations as PostgresOperations
from django.utils import translation

from tests.factories import make_brand, make_category, make_product, make_user


def _flush_by_delete(self, style, tables, *, reset_sequences=False, allow_cascade=False):
    """Empty the tables with DELETE, which PostgreSQL does in milliseconds where TRUNCATE takes seconds.

    A transactional test (live server, threads, real workers) ends with a flush of every table. PostgreSQL's
    TRUNCATE makes new files for each of the ~70 tables and took 2-4 s per test, several minutes of the
    suite; the tables of a test hold a few rows. Every foreign key Django makes is deferrable, so rows go
    in any order within the flush's transaction. Sequences restarted or cascades asked for: TRUNCATE.
    """
    if reset_sequences or allow_cascade or not tables:
        return _truncate(self, style, tables, reset_sequences=reset_sequences, allow_cascade=allow_cascade)
    deletes = [f"{style.SQL_KEYWORD('DELETE FROM')} {style.SQL_FIELD(self.quote_name(table))};" for table in tables]
    return ["SET CONSTRAINTS ALL DEFERRED;", *deletes]


_truncate = PostgresOperations.sql_flush
PostgresOperations.sql_flush = _flush_by_delete


@pytest.fixture(autouse=True)
def _isolated_media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture(autouse=True)
def _own_tracking_buffer(settings):
    """With REDIS_URL the event buffer is a shared Redis that outlives the test database.

    A new test database reuses ids (users, products) that an earlier run left events for, so each
    test buffers under its own key prefix, removed afterwards.
    """
    if not settings.TRACKING_REDIS_URL:
        yield
        return
    import uuid

    from personalization.tracking import buffer

    settings.TRACKING_REDIS_PREFIX = f"test-{uuid.uuid4().hex[:12]}:tracking:"
    yield
    try:
        redis = buffer.client()
        keys = list(redis.scan_iter(match=settings.TRACKING_REDIS_PREFIX + "*"))
        if keys:
            redis.delete(*keys)
    except Exception:  # a test that stopped Redis on purpose; its keys die with the prefix
        pass
    buffer.reset_clients()


@pytest.fixture(autouse=True)
def _english_between_tests():
    """A request leaves its language active in the thread (LocaleMiddleware), and catalogue texts are read
    in the active language: each test starts in the default language, whatever the previous one requested."""
    translation.deactivate()
    yield
    translation.deactivate()


@pytest.fixture(autouse=True)
def _clean_cache():
    # With REDIS_URL the cache is a shared Redis: no test may see another's keys.
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def category(db):
    return make_category(name="Cameras")


@pytest.fixture
def brand(db):
    return make_brand(name="Lumix")


@pytest.fixture
def product(category, brand):
    return make_product(name="Lumix G9 camera", category=category, brand=brand, price="499.00", stock=5)


@pytest.fixture
def user(db):
    return make_user(username="alice")


@pytest.fixture
def other_user(db):
    return make_user(username="bob")


@pytest.fixture
def address():
    from shop.services.orders import ShippingAddress

    return ShippingAddress(name="Alice Doe", line1="1 Main Street", city="Springfield", postcode="12345")


@pytest.fixture(autouse=True)
def _data_migration_rows_after_flush(request):
    """Transactional tests flush the database, data-migration rows included; put them back first."""
    marker = request.node.get_closest_marker("django_db")
    transactional = (marker is not None and marker.kwargs.get("transaction")) or any(
        name in request.fixturenames for name in ("transactional_db", "live_server")
    )
    if transactional:
        request.getfixturevalue("shipping_methods")
        request.getfixturevalue("search_synonyms")


@pytest.fixture
def shipping_methods(db):
    """The flat-rate methods the data migration creates; transactional tests flush them, so recreate."""
    from importlib import import_module

    from django.apps import apps

    import_module("shop.migrations.0002_shipping_methods").create_methods(apps, None)
    import_module("shop.migrations.0005_catalogue_translations").name_shipping_methods_in_chinese(apps, None)


@pytest.fixture
def search_synonyms(db):
    """The synonyms the data migration adds; transactional tests flush them, so add those missing.

    Not `serialized_rollback`: it reloads every row the migrations wrote, content types included, and after
    another transactional test's flush (whose post_migrate makes content types of new ids) that fails.
    """
    from shop.search.default_synonyms import DEFAULT_SYNONYMS
    from shop.search.models import SearchSynonym

    present = set(SearchSynonym.objects.filter(terms__in=DEFAULT_SYNONYMS).values_list("terms", flat=True))
    SearchSynonym.objects.bulk_create(
        [SearchSynonym(terms=terms) for terms in DEFAULT_SYNONYMS if terms not in present]
    )


@pytest.fixture
def celery_eager():
    """Run tasks in-process for this test, even where REDIS_URL makes Celery use a real broker."""
    from celery_app import app

    previous = app.conf.task_always_eager
    app.conf.task_always_eager = True
    yield app
    app.conf.task_always_eager = previous


class RateLimitClock:
    """The clock of django-ratelimit's windows, moved by the test instead of waited for."""

    def __init__(self, now: float):
        self.now = now

    def time(self) -> float:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += seconds


@pytest.fixture
def rate_limit_clock(monkeypatch):
    import time

    import django_ratelimit.core

    clock = RateLimitClock(time.time())
    monkeypatch.setattr(django_ratelimit.core, "time", clock)
    return clock
