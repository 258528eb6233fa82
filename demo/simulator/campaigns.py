"""The demo's coupon and ad campaigns: what simulated shoppers meet on the real site.

`demo_campaigns_ensure` creates, once, a running coupon campaign (offers app), two sponsored
product campaigns of two brands that meet on the phone shelf (ads app, so the auction prices
clicks against a competitor) and two plain vouchers. Rows that exist are left as they are, so a
second call changes nothing and a campaign staff paused stays paused.

The simulator stamps everything with simulated time, which starts days before the real now:
`starts_at` must lie before the first simulated visit, or the campaigns are not live yet for it.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal

from django.db import transaction

from personalization.ads.models import AdCampaign, PromotedProduct
from personalization.offers.models import CouponCampaign
from shop.models import Brand, Product
from shop.vouchers.models import Voucher

COUPON_CAMPAIGN_KEY = "demo-just-for-you"
PROMOTED_PER_CAMPAIGN = 4


@dataclass(frozen=True)
class AdCampaignPlan:
    name: str
    brand: str  # a brand of demo.store.catalog.BRANDS
    max_cpc: Decimal
    daily_budget: Decimal
    total_budget: Decimal


# Kairon (phones, cameras, chargers) and Halvor (phones, audio) bid against each other on phones.
# Budgets last a few weeks of demo traffic; pacing spreads each day's budget over the day.
AD_CAMPAIGNS = (
    AdCampaignPlan(
        "Kairon: phones, cameras and chargers",
        "Kairon",
        max_cpc=Decimal("0.60"),
        daily_budget=Decimal("20.00"),
        total_budget=Decimal("400.00"),
    ),
    AdCampaignPlan(
        "Halvor: phones and sound",
        "Halvor",
        max_cpc=Decimal("0.45"),
        daily_budget=Decimal("15.00"),
        total_budget=Decimal("300.00"),
    ),
)

VOUCHERS = (
    ("WELCOME10", Voucher.Kind.PERCENT, Decimal("10"), "10% off your first order"),
    ("FREESHIP", Voucher.Kind.FREE_SHIPPING, Decimal("0"), "Free shipping"),
)


@dataclass(frozen=True)
class DemoCampaigns:
    coupon: CouponCampaign
    ads: tuple[AdCampaign, ...]
    vouchers: tuple[Voucher, ...]
    created: int  # rows this call created: 0 when everything was there

    def lines(self) -> list[str]:
        coupon = self.coupon
        lines = [
            f"Coupon campaign {coupon.key}: {coupon.discount_label} (up to {coupon.max_discount}) for signed-in "
            f"shoppers, {coupon.holdout_percent}% held out, budget {coupon.budget}."
        ]
        for campaign in self.ads:
            products = ", ".join(campaign.promoted.values_list("product__name", flat=True))
            lines.append(f"Ad campaign {campaign.name}: max CPC {campaign.max_cpc}, promoting {products}.")
        lines.append("Vouchers: " + ", ".join(f"{v.code} ({v.description})" for v in self.vouchers) + ".")
        return lines

    def outcome_lines(self, *, since: datetime, until: datetime) -> list[str]:
        """What the campaigns did, in the offers and ads apps' own reports."""
        from personalization.ads.selectors import advertiser_report
        from personalization.offers.report import campaign_report

        coupon = campaign_report(campaign=self.coupon, now=until)
        lines = [
            f"Coupon campaign {self.coupon.key}: {coupon.treatment.units} shoppers offered, "
            f"{coupon.holdout.units} held out; {coupon.shown} shown, {coupon.applied} applied, "
            f"{coupon.redeemed} redeemed, spend {coupon.spend:.2f}."
        ]
        for report in advertiser_report(since=since, until=until, campaigns=self.ads):
            lines.append(
                f"Ad campaign {report.campaign.name}: {report.impressions} impressions, {report.clicks} clicks, "
                f"spend {report.spend:.2f}, {report.orders} attributed orders."
            )
        return lines


def demo_campaigns_ensure(*, starts_at: datetime) -> DemoCampaigns:
    """The demo's campaigns and vouchers, created if missing, campaigns running from `starts_at`."""
    with transaction.atomic():
        coupon, created = _coupon_campaign(starts_at=starts_at)
        ads = []
        for plan in AD_CAMPAIGNS:
            campaign, made = _ad_campaign(plan, starts_at=starts_at)
            created += made
            if campaign is not None:
                ads.append(campaign)
        vouchers = []
        for code, kind, value, description in VOUCHERS:
            voucher, made = Voucher.objects.get_or_create(
                code=code, defaults={"kind": kind, "value": value, "description": description, "advertised": True}
            )
            vouchers.append(voucher)
            created += made
    return DemoCampaigns(coupon=coupon, ads=tuple(ads), vouchers=tuple(vouchers), created=created)


def _coupon_campaign(*, starts_at: datetime) -> tuple[CouponCampaign, int]:
    # Uplift-model targeting: until a model is trained, half of the eligible shoppers are chosen at random,
    # and a fifth of those held out, which is what the first model learns from. The fixed salt keeps the
    # holdout the same from one demo to the next.
    campaign, created = CouponCampaign.objects.get_or_create(
        key=COUPON_CAMPAIGN_KEY,
        defaults={
            "name": "10% off, just for you",
            "status": CouponCampaign.Status.ACTIVE,
            "starts_at": starts_at,
            "budget": Decimal("1500.00"),
            "discount_kind": CouponCampaign.DiscountKind.PERCENT,
            "discount_value": Decimal("10"),
            "max_discount": Decimal("25.00"),
            "min_spend": Decimal("30.00"),
            "code_valid_days": 14,
            "code_prefix": "JUST4U",
            "audience": CouponCampaign.Audience.ANY,
            "holdout_percent": 20,
            "targeting": CouponCampaign.Targeting.MODEL,
            "exploration_percent": 50,
            "salt": "demo-store",
        },
    )
    return campaign, int(created)


def _ad_campaign(plan: AdCampaignPlan, *, starts_at: datetime) -> tuple[AdCampaign | None, int]:
    """The plan's campaign; None when the catalog has nothing of its brand to promote."""
    campaign = AdCampaign.objects.filter(name=plan.name).first()
    if campaign is not None:
        return campaign, 0
    brand = Brand.objects.filter(name=plan.brand).first()
    products = _products_to_promote(brand) if brand is not None else []
    if not products:
        return None, 0
    campaign = AdCampaign.objects.create(
        name=plan.name,
        advertiser=plan.brand,
        brand=brand,
        status=AdCampaign.Status.ACTIVE,
        max_cpc=plan.max_cpc,
        daily_budget=plan.daily_budget,
        total_budget=plan.total_budget,
        starts_at=starts_at,
    )
    for product in products:
        PromotedProduct.objects.create(campaign=campaign, product=product)
    # Targeting stays automatic: each product in its own category, and searches for its words.
    return campaign, 1 + len(products)


def _products_to_promote(brand: Brand) -> list[Product]:
    """Up to PROMOTED_PER_CAMPAIGN products of the brand in stock, taking each of its shelves in turn."""
    shelves: dict[int, list[Product]] = {}
    for product in Product.objects.filter(brand=brand, is_active=True, stock__gt=0).order_by("-stock", "pk"):
        shelves.setdefault(product.category_id, []).append(product)
    chosen: list[Product] = []
    while len(chosen) < PROMOTED_PER_CAMPAIGN and any(shelves.values()):
        for shelf in sorted(shelves):
            if shelves[shelf] and len(chosen) < PROMOTED_PER_CAMPAIGN:
                chosen.append(shelves[shelf].pop(0))
    return chosen
