import pytest
from django.core.cache import cache
from django.core.files.uploadedfile import SimpleUploadedFile
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from shop.models import ProductImage
from shop.services.cart import cart_add, cart_get_or_create
from tests.factories import make_user

ADDRESS = {"name": "Alice Example", "line1": "1 Main Street", "city": "Springfield", "postcode": "12345"}


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings):
    # The production hasher takes most of a second per user on purpose; tests create many users.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def _fresh_throttles():
    # Throttle counters live in the cache; a test must never be throttled by another test's requests.
    cache.clear()
    yield
    cache.clear()


def token_client(user) -> APIClient:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {Token.objects.get_or_create(user=user)[0].key}")
    return client


@pytest.fixture
def anon_client():
    return APIClient()


@pytest.fixture
def api_client(user):
    """`user` (alice), signed in with a token as the app would be."""
    return token_client(user)


@pytest.fixture
def other_client(other_user):
    """bob, another signed-in shopper."""
    return token_client(other_user)


@pytest.fixture
def staff_user(db):
    return make_user(username="stella", is_staff=True)


@pytest.fixture
def staff_client(staff_user):
    return token_client(staff_user)


@pytest.fixture
def product_with_image(product):
    ProductImage.objects.create(
        product=product, image=SimpleUploadedFile("g9.jpg", b"not really a jpeg"), alt_text="Front view"
    )
    return product


@pytest.fixture
def cart_with_item(user, product):
    """alice's cart holding 2 of `product`."""
    cart = cart_get_or_create(user=user, session_key=None)
    cart_add(cart=cart, product_id=product.pk, quantity=2)
    return cart


def place_order(client, *, key: str = "key-1", **overrides):
    body = {"address": ADDRESS, "shipping_method": "standard", "payment_method": "cod", **overrides}
    return client.post("/api/v1/orders", body, format="json", HTTP_IDEMPOTENCY_KEY=key)


@pytest.fixture
def order(api_client, cart_with_item):
    """A pending (cash on delivery) order of alice's."""
    response = place_order(api_client)
    assert response.status_code == 201, response.json()
    return response.json()
