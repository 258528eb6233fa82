"""The Redis cache fails open: unreachable, it answers as an empty cache, and leaves the server alone for a while."""

import logging
import runpy
from pathlib import Path

import pytest
import redis

import config.cache
from config.cache import FailOpenRedisCache, forget_outages
from tests.redis_server import RedisServer, dead_redis_url

SETTINGS_FILE = Path(config.cache.__file__).with_name("settings.py")


@pytest.fixture(autouse=True)
def _no_remembered_outages():
    forget_outages()
    yield
    forget_outages()


@pytest.fixture
def clock(monkeypatch):
    """The monotonic clock the backend reads, moved by the test."""
    now = [1000.0]
    monkeypatch.setattr(config.cache, "monotonic", lambda: now[0])
    return now


def redis_settings(monkeypatch) -> dict:
    """What config/settings.py configures as the default cache when REDIS_URL is set."""
    monkeypatch.setenv("REDIS_URL", "redis://127.0.0.1:6379/0")
    monkeypatch.delenv("REDIS_CACHE_URL", raising=False)
    return runpy.run_path(str(SETTINGS_FILE))["CACHES"]["default"]


def cache_at(location: str, monkeypatch) -> FailOpenRedisCache:
    params = {**redis_settings(monkeypatch), "LOCATION": location}
    return FailOpenRedisCache(location, params)


def test_settings_use_the_fail_open_backend_with_short_socket_timeouts(monkeypatch):
    # when
    default = redis_settings(monkeypatch)
    # then
    assert default["BACKEND"] == "config.cache.FailOpenRedisCache"
    assert default["LOCATION"] == "redis://127.0.0.1:6379/1", "the cache keeps its own Redis database"
    assert 0 < default["OPTIONS"]["socket_connect_timeout"] <= 1
    assert 0 < default["OPTIONS"]["socket_timeout"] <= 1


def test_unreachable_cache_answers_as_an_empty_one(monkeypatch):
    # given
    cache = cache_at(dead_redis_url(), monkeypatch)
    # then
    assert cache.get("k") is None
    assert cache.get("k", "fallback") == "fallback"
    assert cache.get_many(["a", "b"]) == {}
    assert cache.set("k", 1) is False
    assert cache.add("k", 1) is False
    assert cache.delete("k") is False
    assert cache.touch("k") is False
    assert cache.has_key("k") is False
    assert cache.set_many({"a": 1}) == ["a"], "not stored"
    assert cache.delete_many(["a"]) is None
    assert cache.clear() is False
    assert cache.get_or_set("k", lambda: "computed") == "computed"
    with pytest.raises(ValueError):
        cache.incr("k")  # as for a key that is not there: callers count from scratch
    with pytest.raises(ValueError):
        cache.decr("k")


def test_unreachable_server_is_left_alone_for_a_while_and_warned_about_once(monkeypatch, clock, caplog):
    # given
    cache = cache_at(dead_redis_url(), monkeypatch)
    connects = []
    real_get_client = cache._cache.get_client
    monkeypatch.setattr(cache._cache, "get_client", lambda *a, **kw: connects.append(1) or real_get_client(*a, **kw))
    # when
    with caplog.at_level(logging.WARNING, logger="config.cache"):
        for _ in range(20):
            cache.get("k")
            cache.set("k", 1)
        clock[0] += config.cache.RETRY_AFTER - 0.1
        cache.get("k")
        tried_before_the_window_ends = len(connects)
        clock[0] += 0.2
        cache.get("k")
    # then
    assert tried_before_the_window_ends == 1
    assert len(connects) == 2, "tried again once the window passed"
    assert len(caplog.records) == 2
    assert "unreachable" in caplog.records[0].getMessage()


def test_warning_names_the_server_without_its_password(monkeypatch, caplog):
    # given
    location = dead_redis_url().replace("redis://", "redis://:s3cret@")
    cache = cache_at(location, monkeypatch)
    # when
    with caplog.at_level(logging.WARNING, logger="config.cache"):
        cache.get("k")
    # then
    message = caplog.records[0].getMessage()
    assert "s3cret" not in message
    assert location.rpartition("@")[2] in message


def test_killed_server_fails_open_and_is_used_again_when_back(monkeypatch, clock):
    # given
    server = RedisServer()
    server.start()
    try:
        cache = cache_at(server.url, monkeypatch)
        cache.set("k", "before")
        assert cache.get("k") == "before"
        # when Redis dies
        server.stop()
        # then
        assert cache.get("k", "missed") == "missed"
        assert cache.set("k", "during") is False
        # when it is back and the window has passed
        server.start()
        clock[0] += config.cache.RETRY_AFTER + 1
        # then
        assert cache.set("k", "after") is None
        assert cache.get("k") == "after"
    finally:
        server.stop()


def test_paused_server_costs_one_socket_timeout_not_a_hang(monkeypatch):
    # given: a SIGSTOPped Redis accepts connections but never answers
    server = RedisServer()
    server.start()
    try:
        cache = cache_at(server.url, monkeypatch)
        assert cache.add("k", "v") is True
        server.pause()
        # when
        value = cache.get("k", "missed")
        # then
        assert value == "missed"
        assert cache.get("k", "missed again") == "missed again", "not tried again within the window"
    finally:
        server.stop()


def test_other_redis_errors_still_raise(monkeypatch):
    # given
    server = RedisServer()
    server.start()
    try:
        cache = cache_at(server.url, monkeypatch)
        cache.set("k", "not a number")
        # when / then: a programming error is not an outage
        with pytest.raises(redis.ResponseError):
            cache.incr("k")
    finally:
        server.stop()
