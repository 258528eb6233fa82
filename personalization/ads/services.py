"""Every write of the ads app: charging a click, counting impressions for frequency caps, campaign status."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import Decimal

from django.conf import settings
from django.core.cache import cache
from django.db import IntegrityError, transaction
from django.db.models import Case, Count, F, Q, Value, When
from django.utils import timezone

from personalization.ads.clicks import ClickClaim
from personalization.ads.models import AdCampaign, AdClick, PromotedProduct
from personalization.ads.pacing import seconds_until_tomorrow

logger = logging.getLogger(__name__)


def campaign_charge(*, campaign_id: int, amount: Decimal, now: datetime) -> bool:
    """Add `amount` to the campaign's spend if both budgets can take it; False (and nothing spent) otherwise.

    One conditional UPDATE: the database checks the budgets against the row as it is when the
    update runs (PostgreSQL re-reads a row another transaction just changed), so concurrent
    clicks can never push the spend past a budget. The daily counter restarts on a new day.
    """
    today = timezone.localdate(now)
    same_day = Q(spend_day=today)
    fits_today = (same_day & Q(spent_today__lte=F("daily_budget") - amount)) | (~same_day & Q(daily_budget__gte=amount))
    updated = (
        AdCampaign.objects.filter(pk=campaign_id, status=AdCampaign.Status.ACTIVE)
        .filter(spent_total__lte=F("total_budget") - amount)
        .filter(fits_today)
        .update(
            spent_total=F("spent_total") + amount,
            spent_today=Case(When(same_day, then=F("spent_today") + amount), default=Value(amount)),
            spend_day=today,
        )
    )
    return updated == 1


@dataclass(frozen=True)
class ClickOutcome:
    click: AdClick | None
    first: bool  # False: this impression was clicked before
    cost: Decimal
    reason: str  # "charged", "duplicate", "over_budget"


def ad_click_register(*, claim: ClickClaim, visitor_id: str, now: datetime | None = None) -> ClickOutcome:
    """Record the click of one shown ad and charge its price, once per impression id.

    A click the budget cannot cover is recorded at no cost: the shopper still gets to the product,
    the advertiser never pays past the budget.
    """
    now = now or timezone.now()
    with transaction.atomic():
        try:
            with transaction.atomic():
                click = AdClick.objects.create(
                    impression_id=claim.impression_id,
                    campaign_id=claim.campaign_id,
                    product_id=claim.product_id,
                    slot=claim.slot,
                    visitor_id=visitor_id[:64],
                    price=claim.price,
                    clicked_at=now,
                    attribution_until=now + timedelta(days=settings.ADS_ATTRIBUTION_DAYS),
                )
        except IntegrityError:
            # Same impression clicked before (or right now in another request): it was charged there.
            return ClickOutcome(click=None, first=False, cost=Decimal("0.00"), reason="duplicate")
        if not campaign_charge(campaign_id=claim.campaign_id, amount=claim.price, now=now):
            return ClickOutcome(click=click, first=True, cost=Decimal("0.00"), reason="over_budget")
        click.cost = claim.price
        click.save(update_fields=["cost"])
    return ClickOutcome(click=click, first=True, cost=claim.price, reason="charged")


def frequency_key(*, visitor_id: str, campaign_id: int, day) -> str:
    return f"ads:freq:{day:%Y%m%d}:{visitor_id}:{campaign_id}"


def frequency_counts(*, visitor_id: str, campaign_ids, now: datetime) -> dict[int, int]:
    """Impressions of each campaign this visitor saw today (from the cache; unknown visitors are not capped)."""
    if not visitor_id:
        return {}
    day = timezone.localdate(now)
    keys = {frequency_key(visitor_id=visitor_id, campaign_id=pk, day=day): pk for pk in set(campaign_ids)}
    try:
        found = cache.get_many(list(keys))
    except Exception:
        logger.exception("Could not read ad frequency counters")
        return {}
    return {keys[key]: int(count) for key, count in found.items()}


def frequency_count_add(*, visitor_id: str, campaign_ids, now: datetime) -> None:
    if not visitor_id:
        return
    day = timezone.localdate(now)
    timeout = seconds_until_tomorrow(now) + 3600
    for campaign_id in campaign_ids:
        key = frequency_key(visitor_id=visitor_id, campaign_id=campaign_id, day=day)
        try:
            cache.add(key, 0, timeout)
            cache.incr(key)
        except ValueError:  # expired between add and incr
            cache.set(key, 1, timeout)
        except Exception:
            logger.exception("Could not count an ad impression for the frequency cap")


def campaign_status_set(*, campaign: AdCampaign, status: str) -> AdCampaign:
    campaign.status = status
    campaign.save(update_fields=["status", "updated_at"])
    return campaign


def campaigns_end_finished(*, now: datetime | None = None) -> int:
    """Active campaigns past their end, or with their total budget spent, become ended."""
    now = now or timezone.now()
    finished = AdCampaign.objects.filter(status=AdCampaign.Status.ACTIVE).filter(
        Q(ends_at__lte=now) | Q(spent_total__gte=F("total_budget"))
    )
    ids = list(finished.values_list("pk", flat=True))
    if ids:
        AdCampaign.objects.filter(pk__in=ids).update(status=AdCampaign.Status.ENDED, updated_at=now)
        from personalization.ads.selectors import forget_live_index

        transaction.on_commit(forget_live_index)
    return len(ids)


def ad_quality_refresh(*, now: datetime | None = None) -> int:
    """Recount impressions and clicks of every promoted product over the quality window, and each slot's totals.

    Clicks come from the click ledger (one per impression, bots never charged); impressions from the
    ad_impression events. Returns the number of promoted products whose counters changed.
    """
    from personalization.ads.selectors import SLOT_STATS_CACHE_KEY, ad_event_counts

    now = now or timezone.now()
    since = now - timedelta(days=settings.ADS_QUALITY_WINDOW_DAYS)
    impressions = ad_event_counts(since=since, by=("campaign", "product"))
    slot_impressions = ad_event_counts(since=since, by=("slot",))
    recent_clicks = AdClick.objects.filter(clicked_at__gte=since).order_by()
    clicks = {
        (row["campaign_id"], row["product_id"]): row["n"]
        for row in recent_clicks.values("campaign_id", "product_id").annotate(n=Count("pk"))
    }
    slot_clicks = {row["slot"]: row["n"] for row in recent_clicks.values("slot").annotate(n=Count("pk"))}
    changed = []
    for promoted in PromotedProduct.objects.only("pk", "campaign_id", "product_id", "impressions", "clicks"):
        key = (promoted.campaign_id, promoted.product_id)
        shown, clicked = impressions.get(key, 0), clicks.get(key, 0)
        if (promoted.impressions, promoted.clicks) != (shown, clicked):
            promoted.impressions, promoted.clicks = shown, clicked
            changed.append(promoted)
    PromotedProduct.objects.bulk_update(changed, ["impressions", "clicks"], batch_size=500)
    stats = {slot: (n, slot_clicks.get(slot, 0)) for (slot,), n in slot_impressions.items()}
    cache.set(SLOT_STATS_CACHE_KEY, stats, 60 * 60 * 24 * 2)
    return len(changed)
