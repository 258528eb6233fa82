import uuid
from decimal import Decimal

import pytest
from django.test import Client

from personalization.ads.clicks import Clicker, click_token
from personalization.ads.models import AdCampaign, PromotedProduct
from personalization.ads.services import ad_click_register
from personalization.tracking.identity import VISITOR_COOKIE, sign_visitor_id
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


def visitor_browser(visitor_id: str | None = None, *, address: str = "203.0.113.7", user_agent: str = BROWSER_UA):
    """A browser from `address` that holds the visitor cookie of `visitor_id` (None: a first visit)."""
    client = Client(HTTP_USER_AGENT=user_agent, REMOTE_ADDR=address)
    if visitor_id is not None:
        client.cookies[VISITOR_COOKIE] = sign_visitor_id(visitor_id)
    return client


def register_click(claim, *, visitor: str | None = None, address_hash: str = "test-address", now=None):
    """The click of `claim`'s link by `visitor` (by default the visitor the ad was shown to)."""
    clicker = Clicker(visitor_id=claim.visitor_id if visitor is None else visitor, address_hash=address_hash)
    return ad_click_register(token=click_token(claim), clicker=clicker, now=now)


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
