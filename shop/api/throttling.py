"""DRF throttles on atomic counters, with the client address from shop.client_address.

DRF's SimpleRateThrottle reads a request history from the cache and writes it back, so parallel
requests each see the same history and all pass. These count with cache.add + cache.incr (one
Redis INCR per request) in fixed windows, so a limit of N lets exactly N requests through per
window however many clients race. If the cache is down they let requests through with a log line.
The rates stay in REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"].
"""

from __future__ import annotations

from rest_framework import throttling

from shop.client_address import client_address
from shop.ratelimits import attempt_count


class AtomicRateThrottle(throttling.SimpleRateThrottle):
    """SimpleRateThrottle's contract (scope, rate, get_cache_key) on an atomic counter."""

    retry_after = None

    def get_ident(self, request) -> str:
        return client_address(request)

    def allow_request(self, request, view) -> bool:
        if self.rate is None:
            return True
        key = self.get_cache_key(request, view)
        if key is None:
            return True
        attempt = attempt_count(
            request=request, group="api-throttle", value=key, rate=(self.num_requests, self.duration)
        )
        self.retry_after = attempt.retry_after
        return not attempt.refused

    def wait(self) -> float | None:
        return self.retry_after


class AnonRateThrottle(throttling.AnonRateThrottle, AtomicRateThrottle):
    pass


class UserRateThrottle(throttling.UserRateThrottle, AtomicRateThrottle):
    pass


class ScopedRateThrottle(throttling.ScopedRateThrottle, AtomicRateThrottle):
    """Applies only to views that name a throttle_scope."""
