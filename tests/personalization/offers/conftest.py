import itertools
from decimal import Decimal

import pytest
from django.utils import timezone

from personalization.offers.models import CouponCampaign
from shop.models import Order

_seq = itertools.count(1)


BROWSER_UA = "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0 Safari/537.36"


@pytest.fixture(autouse=True)
def _offers_settings(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    # Events go straight to the database, so tests can read them after the response.
    settings.TRACKING_REDIS_URL = ""
    settings.PERSONALIZATION_REQUIRE_CONSENT = False


def make_campaign(**fields) -> CouponCampaign:
    values = {
        "key": f"campaign-{next(_seq)}",
        "name": "Spring treat",
        "status": CouponCampaign.Status.ACTIVE,
        "budget": Decimal("1000.00"),
        "discount_kind": CouponCampaign.DiscountKind.FIXED,
        "discount_value": Decimal("5.00"),
        "holdout_percent": 20,
        "targeting": CouponCampaign.Targeting.EVERYONE,
        "salt": "fixed-salt",
    }
    values.update(fields)
    return CouponCampaign.objects.create(**values)


def make_order(user, *, total="50.00", created_at=None, status=Order.Status.PAID) -> Order:
    n = next(_seq)
    order = Order.objects.create(
        number=f"T{n:07d}",
        user=user,
        email=user.email,
        status=status,
        idempotency_key=f"offers-test-{n}",
        shipping_name="A",
        shipping_line1="1 Main Street",
        shipping_city="Springfield",
        shipping_postcode="12345",
        shipping_method_name="Standard",
        subtotal=Decimal(total),
        shipping_total=Decimal("0.00"),
        total=Decimal(total),
        payment_method="cod",
    )
    if created_at is not None:
        Order.objects.filter(pk=order.pk).update(created_at=created_at)
        order.created_at = created_at
    return order


@pytest.fixture
def campaign(db):
    return make_campaign()


@pytest.fixture
def now():
    return timezone.now()
