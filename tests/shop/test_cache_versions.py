"""Versions in named namespaces and the per-process caches bounded in bytes."""

import time

import pytest

from shop import cache_versions
from tests.redis_server import dead_redis_url


def test_a_process_cache_drops_the_least_recently_used_to_stay_within_its_bytes():
    # given room for two values of 100 bytes (and their small keys)
    kept = cache_versions.ProcessCache(max_bytes=2 * 100 + 2 * 40, sizeof=lambda value: 100)
    kept.put(1, "a")
    kept.put(2, "b")
    assert kept.get(1) == "a"  # 1 is now the most recently used
    # when
    kept.put(3, "c")
    # then
    assert (kept.get(1), kept.get(2), kept.get(3)) == ("a", None, "c")
    assert kept.bytes <= kept.max_bytes


def test_a_value_larger_than_the_whole_cache_is_not_kept():
    kept = cache_versions.ProcessCache(max_bytes=1000, sizeof=lambda value: len(value))
    kept.put("small", "x" * 10)
    kept.put("huge", "x" * 5000)
    assert kept.get("huge") is None and kept.get("small") == "x" * 10


def test_forget_empties_every_process_cache():
    first = cache_versions.ProcessCache(max_bytes=10_000, sizeof=len)
    second = cache_versions.ProcessCache(max_bytes=10_000, sizeof=len)
    first.put(1, "a")
    second.put(1, "b")
    cache_versions.forget()
    assert len(first) == len(second) == 0


def test_a_version_with_a_source_is_set_once_and_moved_by_its_owner():
    asked = []

    def source():
        asked.append(1)
        return 7

    assert cache_versions.version(cache_versions.MODEL, part="popularity", source=source) == 7
    assert cache_versions.version(cache_versions.MODEL, part="popularity", source=source) == 7
    assert len(asked) == 1
    cache_versions.version_move(cache_versions.MODEL, part="popularity", to=9)
    assert cache_versions.version(cache_versions.MODEL, part="popularity", source=source) == 9


def test_without_a_shared_cache_a_source_answers_every_time(settings):
    settings.CACHES = {"default": {"BACKEND": "config.cache.FailOpenRedisCache", "LOCATION": dead_redis_url()}}
    truth = [3]
    assert cache_versions.version(cache_versions.MODEL, part="sasrec", source=lambda: truth[0]) == 3
    truth[0] = 4  # promoted while the cache is down
    assert cache_versions.version(cache_versions.MODEL, part="sasrec", source=lambda: truth[0]) == 4


@pytest.fixture(autouse=True)
def _fresh():
    cache_versions.forget()
    yield
    cache_versions.forget()


def test_a_per_catalogue_value_is_built_once_per_version_and_again_after_a_change_or_forget():
    built = []
    value = cache_versions.PerCatalogVersion(lambda version: built.append(version) or len(built))
    # given one build
    assert value.get() == value.get() == 1
    # when the catalogue changes, or the value is forgotten
    cache_versions.catalog_changed()
    assert value.get() == 2
    value.forget()
    assert value.get() == 3
    # then each build saw the version it was built for
    assert built[0] != built[1] == built[2] == cache_versions.catalog_version()


def test_a_cache_local_to_this_process_asks_the_source_again_soon(settings, monkeypatch):
    # given the embedded default's local-memory cache, which another process (the demo's history, live
    # traffic) never writes to, and a champion this process has read
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "own"}}
    truth = [3]
    assert cache_versions.version(cache_versions.MODEL, part="sasrec", source=lambda: truth[0]) == 3
    # when another process promotes a new champion (the database says so; this process's cache does not)
    truth[0] = 4
    later = cache_versions.MODEL.local_lifetime + 1
    clock = time.time
    monkeypatch.setattr("django.core.cache.backends.locmem.time.time", lambda: clock() + later)
    # then this process serves the new champion within local_lifetime seconds
    assert cache_versions.version(cache_versions.MODEL, part="sasrec", source=lambda: truth[0]) == 4


def test_a_promotion_in_a_process_local_cache_is_also_asked_again_soon(settings, monkeypatch):
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "own2"}}
    cache_versions.version_move(cache_versions.MODEL, part="covisit", to=5)  # staff promoted here
    later = cache_versions.MODEL.local_lifetime + 1
    clock = time.time
    monkeypatch.setattr("django.core.cache.backends.locmem.time.time", lambda: clock() + later)
    # a later promotion by another process is read from the source of truth
    assert cache_versions.version(cache_versions.MODEL, part="covisit", source=lambda: 6) == 6
