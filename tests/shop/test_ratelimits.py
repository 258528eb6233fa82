"""Sign-in, reset and sign-up limits: atomic per account and per address, open when the cache is down."""

import threading
import uuid

import pytest
from django.test import override_settings

from shop.ratelimits import login_attempt, password_reset_attempt

REDIS = "django.core.cache.backends.redis.RedisCache"


@pytest.fixture
def limits(settings):
    def set_limits(**rates):
        settings.ACCOUNT_RATE_LIMITS = {**settings.ACCOUNT_RATE_LIMITS, **rates}

    return set_limits


@pytest.fixture
def redis_cache(settings):
    if not settings.REDIS_URL:
        pytest.skip("needs a real Redis: set REDIS_URL")
    settings.CACHES = {
        "default": {"BACKEND": REDIS, "LOCATION": settings.REDIS_CACHE_URL, "KEY_PREFIX": uuid.uuid4().hex}
    }


@pytest.mark.redis
def test_parallel_guesses_at_one_account_get_exactly_the_limit(redis_cache, limits, rate_limit_clock, rf):
    # given 16 clients, each from its own address, guessing alice's password at once
    limits(login_account="5/15m")
    start = threading.Barrier(16)
    allowed: list[bool] = []

    def guess(n: int) -> None:
        request = rf.post("/account/login/", REMOTE_ADDR=f"192.0.2.{n}")
        start.wait()
        for _ in range(4):
            allowed.append(not login_attempt(request=request, username="alice").refused)

    threads = [threading.Thread(target=guess, args=(n,)) for n in range(16)]
    # when
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    # then
    assert len(allowed) == 64
    assert sum(allowed) == 5


def test_the_account_is_the_same_whatever_its_case_or_spaces(limits, rate_limit_clock, rf):
    limits(password_reset_account="2/h")
    request = rf.post("/account/password-reset/")

    password_reset_attempt(request=request, email="Alice@Example.com")
    password_reset_attempt(request=request, email=" alice@example.com")

    assert password_reset_attempt(request=request, email="ALICE@EXAMPLE.COM").refused


def test_a_refusal_says_when_to_retry(limits, rate_limit_clock, rf):
    limits(login_account="1/15m")
    request = rf.post("/account/login/")
    login_attempt(request=request, username="alice")

    refused = login_attempt(request=request, username="alice")

    assert refused.refused
    assert 0 < refused.retry_after <= 15 * 60
    assert 1 <= refused.retry_after_minutes() <= 15


def test_with_the_cache_down_attempts_pass_and_say_so(limits, rf, caplog):
    limits(login_account="1/15m")
    request = rf.post("/account/login/")

    with override_settings(CACHES={"default": {"BACKEND": REDIS, "LOCATION": "redis://127.0.0.1:1/0"}}):
        attempts = [login_attempt(request=request, username="alice") for _ in range(3)]

    assert not any(attempt.refused for attempt in attempts)
    assert "cache is unavailable" in caplog.text
