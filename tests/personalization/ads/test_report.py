"""The advertiser report: impressions, clicks, CTR, spend, CPC, attributed orders, revenue, ROAS; the admin page."""

import uuid
from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from personalization.ads.clicks import ClickClaim
from personalization.ads.models import PromotedProduct
from personalization.ads.selectors import advertiser_report
from personalization.ads.services import ad_quality_refresh
from personalization.tracking.models import Event
from shop.models import Order, OrderLine
from tests.factories import make_user
from tests.personalization.ads.conftest import make_campaign, register_click

pytestmark = pytest.mark.django_db


def impression(campaign, product, *, slot="search_top", at=None):
    at = at or timezone.now()
    Event.objects.create(
        uuid=uuid.uuid4(), type="ad_impression", timestamp=at, recorded_at=at, visitor_id="v",
        product=product, context={"campaign": campaign.pk, "slot": slot, "impression_id": uuid.uuid4().hex},
    )  # fmt: skip


def click(campaign, product, *, visitor, price="0.50", at=None):
    claim = ClickClaim(uuid.uuid4(), campaign.pk, product.pk, Decimal(price), "search_top", visitor)
    return register_click(claim, now=at or timezone.now())


def order(*, visitor, product, total, at, status=Order.Status.PAID):
    placed = Order.objects.create(
        number=uuid.uuid4().hex[:12], email="a@example.com", idempotency_key=uuid.uuid4().hex, visitor_id=visitor,
        status=status, shipping_name="A", shipping_line1="1 Main", shipping_city="X", shipping_postcode="1",
        shipping_method_name="Standard", subtotal=Decimal(total), shipping_total=Decimal("0"),
        total=Decimal(total), payment_method="cod",
    )  # fmt: skip
    Order.objects.filter(pk=placed.pk).update(created_at=at)
    OrderLine.objects.create(
        order=placed, product=product, product_name=product.name, product_sku=product.sku,
        unit_price=Decimal(total), quantity=1, line_total=Decimal(total),
    )  # fmt: skip
    return placed


def test_report_counts_and_attributes_orders_within_the_window(store):
    # given
    item, other = store["camera_items"][:2]
    campaign = make_campaign(products=[item])
    now = timezone.now()
    for _ in range(10):
        impression(campaign, item, at=now - timedelta(days=3))
    click(campaign, item, visitor="alice", price="0.50", at=now - timedelta(days=3))
    click(campaign, item, visitor="bob", price="0.30", at=now - timedelta(days=3))
    order(visitor="alice", product=item, total="300.00", at=now - timedelta(days=2))  # attributed
    order(visitor="alice", product=other, total="99.00", at=now - timedelta(days=2))  # another product
    order(visitor="carol", product=item, total="300.00", at=now - timedelta(days=2))  # never clicked
    order(visitor="bob", product=item, total="300.00", at=now - timedelta(days=4))  # before the click
    order(visitor="bob", product=item, total="300.00", at=now - timedelta(days=2), status=Order.Status.CANCELLED)
    # when
    (row,) = advertiser_report(since=now - timedelta(days=30), until=now, campaigns=[campaign])
    # then
    assert (row.impressions, row.clicks, row.spend) == (10, 2, Decimal("0.80"))
    assert row.ctr == pytest.approx(0.2)
    assert row.average_cpc == Decimal("0.40")
    assert (row.orders, row.revenue) == (1, Decimal("300.00"))
    assert row.roas == pytest.approx(375.0)


def test_orders_after_the_attribution_window_do_not_count(store):
    item = store["camera_items"][0]
    campaign = make_campaign(products=[item])
    now = timezone.now()
    click(campaign, item, visitor="alice", at=now - timedelta(days=20))
    order(visitor="alice", product=item, total="300.00", at=now - timedelta(days=12))
    (row,) = advertiser_report(since=now - timedelta(days=30), until=now, campaigns=[campaign])
    assert row.orders == 0 and row.roas == 0


def test_quality_refresh_counts_impressions_and_clicks(store):
    item = store["camera_items"][0]
    campaign = make_campaign(products=[item])
    for _ in range(4):
        impression(campaign, item)
    click(campaign, item, visitor="alice")
    assert ad_quality_refresh() == 1
    promoted = PromotedProduct.objects.get()
    assert (promoted.impressions, promoted.clicks) == (4, 1)


def test_admin_report_page(client, store):
    staff = make_user(username="staff", is_staff=True, is_superuser=True)
    client.force_login(staff)
    item = store["camera_items"][0]
    campaign = make_campaign(products=[item], name="Spring cameras")
    click(campaign, item, visitor="alice")
    response = client.get("/admin/ads/adcampaign/report/?days=7")
    assert response.status_code == 200
    html = response.content.decode()
    assert "Spring cameras" in html and "ROAS" in html and "0.50" in html
    assert client.get("/admin/ads/adcampaign/").status_code == 200
    assert client.get(f"/admin/ads/adcampaign/{campaign.pk}/change/").status_code == 200


def test_admin_report_is_staff_only(client):
    assert client.get("/admin/ads/adcampaign/report/").status_code == 302
