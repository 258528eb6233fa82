"""Rate limits on signing in, password resets and sign-ups, per account and per client address.

Counters are django-ratelimit's: cache.add then cache.incr, so on Redis each attempt is one atomic
INCR and parallel clients can never pass more attempts than the limit. Every attempt is counted
before the password is checked or the e-mail sent (a successful sign-in counts too): counting only
failures, after the fact, is what lets a burst of parallel guesses slip past a lockout, which is why
django-axes (check first, count failures afterwards) is not used. A shopper does not sign in ten
times in fifteen minutes.

The rates are in settings.ACCOUNT_RATE_LIMITS, django-ratelimit's "count/period" ("10/15m").
If the cache is down, attempts are let through with a log line: an outage of the cache must not
lock every shopper out.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass

from django.conf import settings
from django.http import HttpRequest
from django_ratelimit.core import get_usage

from shop.client_address import client_address

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class Attempt:
    refused: bool
    retry_after: int = 0  # seconds until the window that refused it ends

    def retry_after_minutes(self) -> int:
        return max(1, -(-self.retry_after // 60))


ALLOWED = Attempt(refused=False)


def attempt_count(*, request: HttpRequest, group: str, value: str, rate: str | tuple[int, int] | None) -> Attempt:
    """Counts one attempt of `value` (an account, an address, a throttle key) in `group` against `rate`."""
    if rate is None:
        return ALLOWED
    try:
        usage = get_usage(request, group=group, key=lambda _group, _request: value, rate=rate, increment=True)
    except Exception:  # the cache client raises its own errors (redis.ConnectionError, ...)
        logger.warning("Rate limit %s not applied: the cache is unavailable", group, exc_info=True)
        return ALLOWED
    if usage is None:  # RATELIMIT_ENABLE is off, or RATELIMIT_FAIL_OPEN let a failed cache call through
        return ALLOWED
    return Attempt(refused=usage["should_limit"], retry_after=max(usage["time_left"], 1))


def _stricter(*attempts: Attempt) -> Attempt:
    refused = [attempt for attempt in attempts if attempt.refused]
    return max(refused, key=lambda attempt: attempt.retry_after) if refused else ALLOWED


def _count(*, request: HttpRequest, action: str, account: str | None) -> Attempt:
    rates = settings.ACCOUNT_RATE_LIMITS
    attempts = [
        attempt_count(
            request=request, group=f"{action}:address", value=client_address(request), rate=rates[f"{action}_address"]
        )
    ]
    if account is not None:
        attempts.append(
            attempt_count(
                request=request,
                group=f"{action}:account",
                value=account.strip().casefold(),
                rate=rates[f"{action}_account"],
            )
        )
    return _stricter(*attempts)


def login_attempt(*, request: HttpRequest, username: str) -> Attempt:
    """A password is about to be checked for `username` (signing in, or confirming a change)."""
    return _count(request=request, action="login", account=username)


def password_reset_attempt(*, request: HttpRequest, email: str) -> Attempt:
    """A reset link is about to be sent to `email`."""
    return _count(request=request, action="password_reset", account=email)


def signup_attempt(*, request: HttpRequest) -> Attempt:
    """An account is about to be created from this client address."""
    return _count(request=request, action="signup", account=None)


def review_attempt(*, request: HttpRequest, user_id: int) -> Attempt:
    """A review is about to be written or edited by this account from this client address."""
    return _count(request=request, action="review", account=str(user_id))
