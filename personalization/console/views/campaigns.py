"""/staff/campaigns/: coupon campaigns against their holdout, sponsored-product campaigns, links to full reports."""

from __future__ import annotations

from datetime import timedelta

from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone

from personalization.ads.models import AdCampaign
from personalization.ads.selectors import advertiser_report
from personalization.console.access import staff_page
from personalization.offers.models import CouponCampaign
from personalization.offers.report import campaign_report

AD_REPORT_DAYS = 30
# Each coupon report reads its campaign's assignments and orders; the page shows the newest ones.
COUPON_CAMPAIGNS_SHOWN = 20


@staff_page()
def campaign_overview(request: HttpRequest) -> HttpResponse:
    user = request.user
    show_coupons = user.has_perm("offers.view_couponcampaign")
    show_ads = user.has_perm("ads.view_adcampaign")
    if not (show_coupons or show_ads):
        raise PermissionDenied
    coupons, ads = [], []
    if show_coupons:
        campaigns = CouponCampaign.objects.order_by("-pk")[:COUPON_CAMPAIGNS_SHOWN]
        coupons = [(campaign, campaign_report(campaign=campaign)) for campaign in campaigns]
    if show_ads:
        until = timezone.now()
        ads = advertiser_report(
            since=until - timedelta(days=AD_REPORT_DAYS),
            until=until,
            campaigns=AdCampaign.objects.order_by("advertiser", "name"),
        )
    context = {
        "console_section": "campaigns",
        "show_coupons": show_coupons,
        "show_ads": show_ads,
        "coupons": coupons,
        "ads": ads,
        "ad_report_days": AD_REPORT_DAYS,
    }
    return render(request, "staff/campaigns.html", context)
