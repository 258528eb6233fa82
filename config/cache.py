"""The shared cache on Redis, failing open: with Redis down or paused, the store runs without it.

Everything the store keeps in the cache can be computed again (catalogue and stock versions,
cached lists, rendered fragments, counters), so a cache that cannot be reached answers as an
empty one would: reads miss, writes are dropped, `incr` finds no key (ValueError, which its
callers already handle). Only unreachability fails open (connection errors and timeouts);
any other Redis error is a bug and still raises.

After a failed call this process leaves that server alone for RETRY_AFTER seconds, so a page
pays at most one connect or read timeout (the socket timeouts in the cache's OPTIONS) in that
time instead of one per cache call, and the log gets one warning per outage window.
"""

from __future__ import annotations

import logging
from time import monotonic
from urllib.parse import urlsplit, urlunsplit

import redis
from django.core.cache.backends.base import DEFAULT_TIMEOUT
from django.core.cache.backends.redis import RedisCache, RedisCacheClient

logger = logging.getLogger(__name__)

RETRY_AFTER = 5.0  # seconds a server that failed is not tried again
UNREACHABLE = (redis.ConnectionError, redis.TimeoutError)

_down_until: dict[str, float] = {}  # location -> monotonic time before which it is not tried
_NOT_REACHED = object()


def forget_outages() -> None:
    """Try every server again at the next call (tests)."""
    _down_until.clear()


def _without_credentials(location: str) -> str:
    urls = (urlsplit(url) for url in location.split(","))
    return ",".join(urlunsplit(url._replace(netloc=url.netloc.rpartition("@")[2])) for url in urls)


class FailOpenRedisCacheClient(RedisCacheClient):
    def __init__(self, servers, **options):
        super().__init__(servers, **options)
        self._location = ",".join(servers)

    def _attempt(self, operation, *args, fallback):
        if _down_until.get(self._location, 0.0) > monotonic():
            return fallback
        try:
            return operation(*args)
        except UNREACHABLE as exc:
            # Concurrent threads may each log once when an outage starts; then the window keeps them quiet.
            _down_until[self._location] = monotonic() + RETRY_AFTER
            logger.warning(
                "Cache at %s unreachable (%s); running without it, next try in %.0f s.",
                _without_credentials(self._location),
                exc,
                RETRY_AFTER,
            )
            return fallback

    def add(self, key, value, timeout):
        return self._attempt(super().add, key, value, timeout, fallback=False)

    def get(self, key, default):
        return self._attempt(super().get, key, default, fallback=default)

    def set(self, key, value, timeout):
        return self._attempt(super().set, key, value, timeout, fallback=False)

    def touch(self, key, timeout):
        return self._attempt(super().touch, key, timeout, fallback=False)

    def delete(self, key):
        return self._attempt(super().delete, key, fallback=False)

    def get_many(self, keys):
        return self._attempt(super().get_many, keys, fallback={})

    def has_key(self, key):
        return self._attempt(super().has_key, key, fallback=False)

    def incr(self, key, delta):
        value = self._attempt(super().incr, key, delta, fallback=_NOT_REACHED)
        if value is _NOT_REACHED:
            raise ValueError(f"Key '{key}' not found (the cache is unreachable).")
        return value

    def set_many(self, data, timeout):
        return self._attempt(super().set_many, data, timeout, fallback=False)

    def delete_many(self, keys):
        return self._attempt(super().delete_many, keys, fallback=None)

    def clear(self):
        return self._attempt(super().clear, fallback=False)


class FailOpenRedisCache(RedisCache):
    """Django's Redis cache, answering as an empty cache while Redis cannot be reached."""

    def __init__(self, server, params):
        super().__init__(server, params)
        self._class = FailOpenRedisCacheClient

    def set(self, key, value, timeout=DEFAULT_TIMEOUT, version=None):
        """None, as Django's contract has it; False when the value could not be stored."""
        key = self.make_and_validate_key(key, version=version)
        return self._cache.set(key, value, self.get_backend_timeout(timeout))

    def set_many(self, data, timeout=DEFAULT_TIMEOUT, version=None):
        """The keys that could not be stored, as Django's contract has it: all of them while Redis is unreachable."""
        if not data:
            return []
        made = {self.make_and_validate_key(key, version=version): value for key, value in data.items()}
        if self._cache.set_many(made, self.get_backend_timeout(timeout)) is False:
            return list(data)
        return []
