import uuid
from decimal import Decimal

import pytest
from django.test import Client

from personalization.ads.models import AdCampaign, PromotedProduct
from tests.factories import make_brand, make_category, make_product

BROWSER_UA = "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0 Safari/537.36"


@pytest.fixture(autouse=True)
def ads_settings(settings):
    """Own cache per test, events straight to the database, a midday clock-independent pace."""
    settings.CACHES = {
        "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": uuid.uuid4().hex}
    }
    settings.TRACKING_REDIS_URL = ""
    settings.PERSONALIZATION_REQUIRE_CONSENT = False
    settings.ADS_ENABLED = True
    settings.ADS_RESERVE_CPC = "0.05"
    settings.ADS_MAX_SHARE = "1/6"
    settings.ADS_MAX_PER_SLOT = 2
    settings.ADS_FREQUENCY_CAP = 3
    # Pacing has its own tests; elsewhere a campaign may spend its whole day at any hour.
    settings.ADS_PACING_SLACK = 1.0


@pytest.fixture
def browser():
    return Client(HTTP_USER_AGENT=BROWSER_UA)


def make_campaign(
    *,
    products,
    max_cpc="1.00",
    daily_budget="50.00",
    total_budget="500.00",
    status=AdCampaign.Status.ACTIVE,
    categories=(),
    keywords="",
    **fields,
) -> AdCampaign:
    campaign = AdCampaign.objects.create(
        name=fields.pop("name", "Campaign"),
        advertiser=fields.pop("advertiser", "Lumix"),
        status=status,
        max_cpc=Decimal(max_cpc),
        daily_budget=Decimal(daily_budget),
        total_budget=Decimal(total_budget),
        keywords=keywords,
        **fields,
    )
    for product in products:
        PromotedProduct.objects.create(campaign=campaign, product=product)
    if categories:
        campaign.target_categories.set(categories)
    return campaign


@pytest.fixture
def store(db):
    """Electronics > Cameras with eight cameras, Shoes with eight shoes."""
    electronics = make_category(name="Electronics")
    cameras = make_category(name="Cameras", parent=electronics)
    shoes = make_category(name="Shoes")
    lumix, aurora = make_brand(name="Lumix"), make_brand(name="Aurora")
    return {
        "electronics": electronics,
        "cameras": cameras,
        "shoes": shoes,
        "camera_items": [
            make_product(name=f"Mirrorless camera {i}", category=cameras, brand=lumix, price=300 + i) for i in range(8)
        ],
        "shoe_items": [
            make_product(name=f"Running shoe {i}", category=shoes, brand=aurora, price=60 + i) for i in range(8)
        ],
    }
