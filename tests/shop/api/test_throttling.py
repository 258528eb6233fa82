"""The API's throttles: atomic counters that hold under parallel clients and fail open without a cache."""

import threading
import uuid

import pytest
from django.contrib.auth.models import AnonymousUser
from django.test import override_settings
from rest_framework import throttling
from rest_framework.settings import api_settings
from rest_framework.throttling import SimpleRateThrottle

from personalization.tracking.throttles import AddressEventsThrottle

pytestmark = pytest.mark.django_db
REDIS = "django.core.cache.backends.redis.RedisCache"
# The settings fixture would still hold this when the cache is cleared after the test.
CACHE_DOWN = {"default": {"BACKEND": REDIS, "LOCATION": "redis://127.0.0.1:1/0"}}


def configured(kind: type) -> type:
    """The throttle class of REST_FRAMEWORK["DEFAULT_THROTTLE_CLASSES"] that plays DRF's `kind`."""
    return next(cls for cls in api_settings.DEFAULT_THROTTLE_CLASSES if issubclass(cls, kind))


@pytest.fixture
def redis_cache(settings):
    if not settings.REDIS_URL:
        pytest.skip("needs a real Redis: set REDIS_URL")
    location = settings.REDIS_CACHE_URL
    settings.CACHES = {"default": {"BACKEND": REDIS, "LOCATION": location, "KEY_PREFIX": uuid.uuid4().hex}}


@pytest.fixture
def small_rates(monkeypatch):
    rates = {**SimpleRateThrottle.THROTTLE_RATES, "anon": "25/hour", "events": "25/hour"}
    monkeypatch.setattr(SimpleRateThrottle, "THROTTLE_RATES", rates)


def anonymous_request(rf, address: str = "203.0.113.9"):
    request = rf.get("/api/v1/brands", REMOTE_ADDR=address)
    request.user = AnonymousUser()
    return request


def allowed_in_parallel(throttle_class: type, rf, *, clients: int = 16, requests_each: int = 10) -> int:
    start = threading.Barrier(clients)
    allowed: list[int] = []
    failures: list[BaseException] = []

    def client() -> None:
        request = anonymous_request(rf)
        try:
            start.wait()
            allowed.append(sum(throttle_class().allow_request(request, None) for _ in range(requests_each)))
        except BaseException as error:  # reported below: a thread's exception would otherwise vanish
            failures.append(error)

    threads = [threading.Thread(target=client) for _ in range(clients)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert not failures, failures
    return sum(allowed)


@pytest.mark.redis
@pytest.mark.parametrize(
    "throttle_class",
    [lambda: configured(throttling.AnonRateThrottle), lambda: AddressEventsThrottle],
    ids=["anon", "events-address"],
)
def test_parallel_clients_get_exactly_the_limit(redis_cache, small_rates, rate_limit_clock, rf, throttle_class):
    # given 16 clients from one address sending 160 requests at once against 25 per hour
    # when
    allowed = allowed_in_parallel(throttle_class(), rf)
    # then
    assert allowed == 25


def test_the_window_passing_lets_requests_through_again(small_rates, rate_limit_clock, rf):
    # given
    throttle_class = configured(throttling.AnonRateThrottle)
    request = anonymous_request(rf)
    assert sum(throttle_class().allow_request(request, None) for _ in range(30)) == 25
    # when
    rate_limit_clock.advance(3600)
    # then
    assert throttle_class().allow_request(request, None)


def test_a_refused_request_says_when_to_retry(small_rates, rate_limit_clock, rf):
    # given
    throttle = configured(throttling.AnonRateThrottle)()
    request = anonymous_request(rf)
    for _ in range(25):
        throttle.allow_request(request, None)
    # when
    refused = not throttle.allow_request(request, None)
    # then
    assert refused
    assert 0 < throttle.wait() <= 3600


def test_with_the_cache_down_requests_pass_and_say_so(small_rates, rf, caplog):
    # given
    throttle_class = configured(throttling.AnonRateThrottle)
    # when
    with override_settings(CACHES=CACHE_DOWN):
        allowed = throttle_class().allow_request(anonymous_request(rf), None)
    # then
    assert allowed
    assert "cache is unavailable" in caplog.text


def test_with_the_cache_down_the_api_answers(api_client, caplog):
    # when
    with override_settings(CACHES=CACHE_DOWN):
        response = api_client.get("/api/v1/me")
    # then
    assert response.status_code == 200
    assert "cache is unavailable" in caplog.text


@pytest.mark.parametrize("forwarded_for", ["198.51.100.1", "198.51.100.2, 10.0.0.1"])
def test_a_forged_forwarded_for_is_the_same_client_without_trusted_proxies(
    settings, small_rates, rate_limit_clock, rf, forwarded_for
):
    # given
    settings.TRUSTED_PROXY_COUNT = 0
    throttle_class = configured(throttling.AnonRateThrottle)
    for n in range(25):
        request = anonymous_request(rf)
        request.META["HTTP_X_FORWARDED_FOR"] = f"192.0.2.{n}"
        throttle_class().allow_request(request, None)
    # when
    request = anonymous_request(rf)
    request.META["HTTP_X_FORWARDED_FOR"] = forwarded_for
    # then
    assert not throttle_class().allow_request(request, None)
