import pytest
from django.contrib.messages import get_messages
from django.core.cache import cache
from django.urls import reverse

from tests.factories import make_product


@pytest.fixture(autouse=True)
def _fresh_cache():
    # The category navigation is cached; a test must never see another test's categories.
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def cart_client(client, product):
    """An anonymous shopper with 2 of `product` in the cart."""
    client.post(reverse("shop:cart_add"), {"product_id": product.pk, "quantity": 2}, follow=True)
    return client


@pytest.fixture
def sale_product(category, brand):
    return make_product(
        name="Lumix S5 camera", category=category, brand=brand, price="75.00", compare_at_price="100.00", stock=3
    )


def messages_of(response) -> list[str]:
    return [str(message) for message in get_messages(response.wsgi_request)]


def checkout_data(client, **overrides) -> dict:
    """The checkout form as the page renders it (hidden key and total included), filled in like a shopper."""
    form = client.get(reverse("shop:checkout")).context["form"]
    data = {
        "email": "guest@example.com",
        "name": "Grace Guest",
        "line1": "1 Main Street",
        "line2": "",
        "city": "Springfield",
        "postcode": "12345",
        "country": "us",
        "phone": "",
        "shipping_method": form.initial["shipping_method"],
        "payment_method": "cod",
        "card_number": "",
        "idempotency_key": form.initial["idempotency_key"],
        "expected_total": str(form.initial["expected_total"]),
    }
    data.update(overrides)
    return data
