"""Redis is an accelerator: with the cache, the event buffer and the broker unreachable, the store still sells."""

import pytest
from celery.app.task import Task
from django.urls import reverse
from kombu.exceptions import OperationalError
from rest_framework.authtoken.models import Token

from personalization.tracking import buffer
from personalization.tracking.tasks import flush_events
from shop.models import Order
from shop.signals import order_placed
from tests.redis_server import dead_redis_url
from tests.shop.conftest import checkout_data

pytestmark = pytest.mark.django_db

CACHE_BACKEND = "config.cache.FailOpenRedisCache"


@pytest.fixture(autouse=True)
def redis_down(settings):
    settings.CACHES = {
        "default": {
            "BACKEND": CACHE_BACKEND,
            "LOCATION": dead_redis_url(),
            "OPTIONS": {"socket_connect_timeout": 0.25, "socket_timeout": 0.5},
        }
    }
    settings.TRACKING_REDIS_URL = dead_redis_url()
    buffer.reset_clients()
    yield
    buffer.reset_clients()


@pytest.fixture
def broker_down(monkeypatch):
    """Every enqueue fails as it does when the broker cannot be reached."""

    def unreachable(self, *args, **kwargs):
        raise OperationalError("Error 111 connecting to 127.0.0.1:6379. Connection refused.")

    monkeypatch.setattr(Task, "apply_async", unreachable)


@pytest.fixture
def listener_that_enqueues(broker_down):
    """A receiver of order_placed that queues work, as listeners of a placed order may."""

    def enqueue(sender, order, **kwargs):
        flush_events.delay()

    order_placed.connect(enqueue, dispatch_uid="test_listener_that_enqueues")
    yield
    order_placed.disconnect(dispatch_uid="test_listener_that_enqueues")


def test_pages_answer(client, product):
    # given
    pages = [
        reverse("shop:home"),
        reverse("shop:category", kwargs={"slug": product.category.slug}),
        reverse("shop:product", kwargs={"slug": product.slug}),
        reverse("shop:search") + "?q=lumix",
        reverse("shop:cart"),
    ]
    for url in pages:
        # when
        response = client.get(url)
        # then
        assert response.status_code == 200, url
    assert product.name in client.get(reverse("shop:home")).text


def test_cart_add_answers(client, product):
    # when
    response = client.post(reverse("shop:cart_add"), {"product_id": product.pk, "quantity": 1}, follow=True)
    # then
    assert response.status_code == 200
    assert product.name in response.text


def test_api_answers(client, user, product):
    # given
    auth = {"HTTP_AUTHORIZATION": f"Token {Token.objects.create(user=user).key}"}
    # when
    responses = {
        "products": client.get("/api/v1/products", **auth),
        "product": client.get(f"/api/v1/products/{product.slug}", **auth),
        "add line": client.post(
            "/api/v1/cart/lines", {"product_id": product.pk, "quantity": 1}, content_type="application/json", **auth
        ),
        "cart": client.get("/api/v1/cart", **auth),
        "quote": client.post(
            "/api/v1/checkout/quote", {"shipping_method": "standard"}, content_type="application/json", **auth
        ),
        "recommendations": client.get("/api/v1/recommendations/for_you", **auth),
        "similar": client.get(f"/api/v1/recommendations/similar?product={product.slug}", **auth),
    }
    # then
    assert {name: response.status_code for name, response in responses.items()} == {
        "products": 200,
        "product": 200,
        "add line": 201,
        "cart": 200,
        "quote": 200,
        "recommendations": 200,
        "similar": 200,
    }


@pytest.mark.django_db(transaction=True)  # the order commits, so its on_commit callbacks run in the request
def test_checkout_places_the_order_when_a_listener_cannot_enqueue(cart_client, listener_that_enqueues, caplog):
    # when
    response = cart_client.post(reverse("shop:checkout"), checkout_data(cart_client))
    # then: the order stands and the shopper sees it; the failure is logged
    order = Order.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("shop:order_confirmation", kwargs={"number": order.number})
    assert "Connection refused" in caplog.text
