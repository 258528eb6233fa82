"""The campaign report on a small hand-computed fixture."""

from datetime import timedelta
from decimal import Decimal

import pytest

from personalization.offers.models import OfferAssignment
from personalization.offers.report import campaign_report
from shop.models import Order
from shop.vouchers.models import Voucher
from tests.factories import make_user
from tests.personalization.offers.conftest import make_campaign, make_order

pytestmark = pytest.mark.django_db


@pytest.fixture
def fixture(now):
    """4 treated (3 bought 100.00, one used its 10.00 code), 4 held out (1 bought 100.00), 2 not chosen."""
    campaign = make_campaign(margin_rate=Decimal("0.5"), budget=Decimal("100.00"))
    decided = now - timedelta(days=5)
    for n in range(10):
        user = make_user(username=f"unit{n}")
        group = "treatment" if n < 4 or n >= 8 else "holdout"
        selected = n < 8
        voucher = None
        if group == "treatment" and selected:
            voucher = Voucher.objects.create(
                code=f"OFFER{n}",
                kind="fixed",
                value=Decimal("10"),
                owner=user,
                usage_limit=1,
                ends_at=now + timedelta(days=5),
            )
        OfferAssignment.objects.create(
            campaign=campaign,
            user=user,
            group=group,
            selected=selected,
            reason="everyone" if selected else "not_selected",
            voucher=voucher,
            reserved_cost=Decimal("10.00") if voucher else Decimal("0"),
            decided_at=decided,
        )
        bought = n in (0, 1, 2, 4, 8, 9)
        if bought:
            order = make_order(user, total="100.00", created_at=decided + timedelta(days=1))
            if n == 0:
                voucher.redemptions.create(order=order, user=user, email=user.email, amount=Decimal("10.00"))
                Voucher.objects.filter(pk=voucher.pk).update(used_count=1)
        make_order(user, total="999.00", created_at=decided - timedelta(days=1))  # before the decision: ignored
    make_order(
        OfferAssignment.objects.get(user__username="unit3").user,
        total="80.00",
        created_at=decided + timedelta(days=2),
        status=Order.Status.CANCELLED,
    )
    return campaign


def test_report_numbers(fixture, now):
    report = campaign_report(campaign=fixture, now=now)

    assert (report.treatment.units, report.treatment.converted, report.treatment.revenue) == (4, 3, 300.0)
    assert (report.holdout.units, report.holdout.converted, report.holdout.revenue) == (4, 1, 100.0)
    assert report.conversion_difference.estimate == pytest.approx(0.5)
    assert report.conversion_difference.low < 0.5 < report.conversion_difference.high
    assert report.revenue_difference.estimate == pytest.approx(50.0)
    assert report.incremental_conversions.estimate == pytest.approx(2.0)
    assert report.incremental_revenue.estimate == pytest.approx(200.0)
    assert report.spend == Decimal("10.00")
    assert report.reserved == Decimal("30.00")  # three unused 10.00 codes
    assert report.budget_left == Decimal("60.00")
    assert report.roi == pytest.approx((200.0 * 0.5 - 10.0) / 10.0)
    assert 0 < report.treatment.conversion.low < 0.75 < report.treatment.conversion.high <= 1


def test_report_page_for_staff(fixture, client):
    staff = make_user(username="boss", is_staff=True, is_superuser=True)
    client.force_login(staff)

    response = client.get(f"/admin/offers/couponcampaign/{fixture.pk}/report/")

    assert response.status_code == 200
    html = response.content.decode()
    assert 'data-metric="treatment-units">4<' in html
    assert 'data-metric="spend">10.00<' in html


def test_report_page_is_staff_only(fixture, client, user):
    client.force_login(user)
    response = client.get(f"/admin/offers/couponcampaign/{fixture.pk}/report/")
    assert response.status_code == 302
