"""With the shared cache unreachable, catalogue versions are the process's own and still expire."""

import pytest

from shop import cache_versions, product_cache
from tests.redis_server import dead_redis_url


@pytest.fixture(autouse=True)
def cache_down(settings):
    settings.CACHES = {"default": {"BACKEND": "config.cache.FailOpenRedisCache", "LOCATION": dead_redis_url()}}
    product_cache.forget()
    yield
    product_cache.forget()


@pytest.fixture
def clock(monkeypatch):
    now = [1000.0]
    monkeypatch.setattr(cache_versions, "monotonic", lambda: now[0])
    return now


def test_version_is_kept_within_its_lifetime_and_moves_after(clock):
    # when
    first = product_cache.catalog_version()
    clock[0] += cache_versions.VERSION_LIFETIME - 1
    same = product_cache.catalog_version()
    clock[0] += 2
    later = product_cache.catalog_version()
    # then: kept products are trusted no longer than with a reachable cache
    assert first and first == same
    assert later != first


def test_a_change_moves_this_process_version_at_once(clock):
    # given
    before = product_cache.shelf_version()
    # when
    product_cache.catalog_changed()
    product_cache.stock_changed()
    # then
    after = product_cache.shelf_version()
    assert after.split(":")[0] != before.split(":")[0]
    assert after.split(":")[1] != before.split(":")[1]
