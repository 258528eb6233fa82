"""Reads of the ads app: the live-campaign index, fresh facts for an auction, priors, the advertiser report."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import Decimal

from django.conf import settings
from django.core.cache import cache
from django.db.models import Count, F, OuterRef, Q, Subquery, Sum
from django.utils import timezone

from personalization.ads.models import AdCampaign, AdClick, FilteredAdClick, PromotedProduct, Slot
from personalization.ads.quality import CtrPrior, slot_prior
from personalization.ads.targeting import CampaignSpec, LiveIndex, PromotedSpec, words
from shop.models import Category, Order, OrderLine, Product

INDEX_CACHE_KEY = "ads:index:v1"
SLOT_STATS_CACHE_KEY = "ads:slot-stats:v1"
# Auctions look at no more candidates than this (the highest bids), so a page's work is bounded.
MAX_CANDIDATES = 200
ZERO = Decimal("0.00")


def live_index() -> LiveIndex:
    """Active campaigns and their targeting; cached, so a page without relevant ads makes no query."""
    index = cache.get(INDEX_CACHE_KEY)
    if index is None:
        index = build_live_index(now=timezone.now())
        cache.set(INDEX_CACHE_KEY, index, settings.ADS_INDEX_CACHE_SECONDS)
    return index


def forget_live_index() -> None:
    cache.delete(INDEX_CACHE_KEY)


def build_live_index(*, now: datetime) -> LiveIndex:
    campaigns = list(
        AdCampaign.objects.filter(status=AdCampaign.Status.ACTIVE)
        .filter(Q(ends_at__isnull=True) | Q(ends_at__gt=now))
        .filter(spent_total__lt=F("total_budget"))
        .prefetch_related("target_categories")
        .only("pk", "starts_at", "ends_at", "keywords")
    )
    if not campaigns:
        return LiveIndex()
    parents = dict(Category.objects.values_list("pk", "parent_id"))
    index = LiveIndex(category_parents=parents)
    promoted = defaultdict(list)
    rows = PromotedProduct.objects.filter(campaign__in=campaigns, product__is_active=True).values_list(
        "pk",
        "campaign_id",
        "product_id",
        "product__category_id",
        "product__name",
        "product__brand__name",
        "product__category__name",
    )
    for pk, campaign_id, product_id, category_id, name, brand, category in rows:
        terms = words(f"{name} {brand} {category}")
        promoted[campaign_id].append(PromotedSpec(pk, product_id, index.chain(category_id), terms))
    specs = tuple(
        CampaignSpec(
            id=campaign.pk,
            starts_at=campaign.starts_at,
            ends_at=campaign.ends_at,
            category_ids=frozenset(category.pk for category in campaign.target_categories.all()),
            keywords=tuple(kw for kw in (words(phrase) for phrase in campaign.keyword_list()) if kw),
            products=tuple(promoted[campaign.pk]),
        )
        for campaign in campaigns
        if promoted[campaign.pk]
    )
    return LiveIndex(campaigns=specs, category_parents=parents)


@dataclass(frozen=True)
class CandidateFacts:
    """What may have changed since the index was built: spend, status, stock, the CTR counters."""

    promoted_id: int
    campaign_id: int
    product_id: int
    status: str
    max_cpc: Decimal
    daily_budget: Decimal
    total_budget: Decimal
    spent_today: Decimal
    spend_day: object
    spent_total: Decimal
    product_active: bool
    stock: int
    impressions: int
    clicks: int


def candidate_facts(*, promoted_ids: list[int]) -> list[CandidateFacts]:
    """One query for the current state of the candidates; highest bids first, at most MAX_CANDIDATES."""
    if not promoted_ids:
        return []
    rows = (
        PromotedProduct.objects.filter(pk__in=promoted_ids)
        .order_by("-campaign__max_cpc", "pk")
        .values_list(
            "pk",
            "campaign_id",
            "product_id",
            "campaign__status",
            "campaign__max_cpc",
            "campaign__daily_budget",
            "campaign__total_budget",
            "campaign__spent_today",
            "campaign__spend_day",
            "campaign__spent_total",
            "product__is_active",
            "product__stock",
            "impressions",
            "clicks",
        )[:MAX_CANDIDATES]
    )
    return [CandidateFacts(*row) for row in rows]


def products_for_ads(*, ids: list[int]) -> dict[int, Product]:
    """The winners, ready for a product card (brand, category and images loaded): two queries."""
    products = Product.objects.filter(pk__in=ids).select_related("brand", "category").prefetch_related("images")
    return {product.pk: product for product in products}


def slot_priors() -> dict[str, CtrPrior]:
    """Each slot's average CTR as the prior of new ads; tasks.refresh_ad_quality keeps the counts in the cache."""
    stats = cache.get(SLOT_STATS_CACHE_KEY) or {}
    return {
        slot: slot_prior(
            clicks=stats.get(slot, (0, 0))[1],
            impressions=stats.get(slot, (0, 0))[0],
            default_ctr=settings.ADS_DEFAULT_CTR,
            strength=settings.ADS_PRIOR_IMPRESSIONS,
        )
        for slot in Slot.values
    }


def ad_event_counts(*, since: datetime, until: datetime | None = None, by: tuple[str, ...]) -> dict[tuple, int]:
    """Server-logged ad impressions, counted per the `context` keys in `by` (e.g. ("campaign", "slot"))."""
    from personalization.tracking.models import Event

    events = Event.objects.filter(type=Event.Type.AD_IMPRESSION, timestamp__gte=since)
    if until is not None:
        events = events.filter(timestamp__lt=until)
    fields = [f"context__{key}" if key != "product" else "product_id" for key in by]
    rows = events.values(*fields).annotate(n=Count("pk")).order_by()
    return {tuple(row[field] for field in fields): row["n"] for row in rows}


@dataclass(frozen=True)
class CampaignReport:
    campaign: AdCampaign
    impressions: int
    clicks: int
    spend: Decimal
    orders: int
    revenue: Decimal
    # (reason label, count), most frequent first: clicks logged but never charged.
    filtered_by_reason: tuple[tuple[str, int], ...] = ()

    @property
    def filtered_clicks(self) -> int:
        return sum(n for _, n in self.filtered_by_reason)

    @property
    def ctr(self) -> float | None:
        return self.clicks / self.impressions if self.impressions else None

    @property
    def ctr_percent(self) -> float | None:
        return None if self.ctr is None else 100 * self.ctr

    @property
    def average_cpc(self) -> Decimal | None:
        return (self.spend / self.clicks).quantize(Decimal("0.01")) if self.clicks else None

    @property
    def roas(self) -> float | None:
        """Return on ad spend: attributed revenue per unit of spend."""
        return float(self.revenue / self.spend) if self.spend else None


def advertiser_report(*, since: datetime, until: datetime, campaigns=None) -> list[CampaignReport]:
    """Per campaign, for clicks and impressions in [since, until): five queries whatever the number of campaigns.

    Clicks and spend are the valid clicks of the ledger; filtered clicks (never charged) are counted by reason.

    An order is the ad's when it contains the advertised product and the same visitor placed it within
    ADS_ATTRIBUTION_DAYS after clicking; with several clicks, the last one before the order takes it.
    Revenue is what the order paid for that product; cancelled and refunded orders do not count.
    """
    campaigns = list(campaigns if campaigns is not None else AdCampaign.objects.all())
    ids = [campaign.pk for campaign in campaigns]
    impressions = {
        key[0]: n for key, n in ad_event_counts(since=since, until=until, by=("campaign",)).items() if key[0] in ids
    }
    clicks = {
        row["campaign_id"]: row
        for row in AdClick.objects.filter(campaign_id__in=ids, clicked_at__gte=since, clicked_at__lt=until)
        .values("campaign_id")
        .annotate(n=Count("pk"), spend=Sum("cost"))
        .order_by()
    }
    last_click = (
        AdClick.objects.filter(
            campaign_id__in=ids,
            clicked_at__gte=since,
            clicked_at__lt=until,
            product_id=OuterRef("product_id"),
            visitor_id=OuterRef("order__visitor_id"),
            clicked_at__lte=OuterRef("order__created_at"),
            attribution_until__gte=OuterRef("order__created_at"),
        )
        .exclude(visitor_id="")
        .order_by("-clicked_at", "-pk")
        .values("campaign_id")[:1]
    )
    attributed = {
        row["campaign"]: row
        for row in OrderLine.objects.filter(
            order__created_at__gte=since,
            order__created_at__lt=until + timedelta(days=settings.ADS_ATTRIBUTION_DAYS),
        )
        .exclude(order__visitor_id="")
        .exclude(order__status__in=[Order.Status.CANCELLED, Order.Status.REFUNDED])
        .annotate(campaign=Subquery(last_click))
        .filter(campaign__isnull=False)
        .values("campaign")
        .annotate(orders=Count("order", distinct=True), revenue=Sum("line_total"))
        .order_by()
    }
    labels = dict(FilteredAdClick.Reason.choices)
    filtered = defaultdict(list)
    for row in (
        FilteredAdClick.objects.filter(campaign_id__in=ids, clicked_at__gte=since, clicked_at__lt=until)
        .values("campaign_id", "reason")
        .annotate(n=Count("pk"))
        .order_by("campaign_id", "-n", "reason")
    ):
        filtered[row["campaign_id"]].append((labels.get(row["reason"], row["reason"]), row["n"]))
    reports = []
    for campaign in campaigns:
        click_row = clicks.get(campaign.pk, {})
        order_row = attributed.get(campaign.pk, {})
        reports.append(
            CampaignReport(
                campaign=campaign,
                impressions=impressions.get(campaign.pk, 0),
                clicks=click_row.get("n", 0),
                spend=click_row.get("spend") or ZERO,
                orders=order_row.get("orders", 0),
                revenue=order_row.get("revenue") or ZERO,
                filtered_by_reason=tuple(filtered.get(campaign.pk, ())),
            )
        )
    return reports


def forged_click_count(*, since: datetime, until: datetime) -> int:
    """Clicks on links this shop never made: they name no campaign anyone could believe."""
    return FilteredAdClick.objects.filter(
        campaign=None, reason=FilteredAdClick.Reason.FORGED, clicked_at__gte=since, clicked_at__lt=until
    ).count()
