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

from personalization.ads.clicks import BadClickToken, ClickClaim, Clicker, ExpiredClickToken, claim_from_token
from personalization.ads.models import AdCampaign, AdClick, FilteredAdClick, PromotedProduct
from personalization.ads.pacing import seconds_until_tomorrow
from personalization.shopper import Unit

logger = logging.getLogger(__name__)
Reason = FilteredAdClick.Reason


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
    claim: ClickClaim | None  # None: a forged link, which leads nowhere in particular
    cost: Decimal
    reason: str  # "charged", "over_budget", or the FilteredAdClick.Reason it was not charged for
    click: AdClick | None = None

    @property
    def valid(self) -> bool:
        """A shopper's click on the ad shown to them: kept in the ledger, charged while the budget lasts."""
        return self.click is not None


def ad_click_register(*, token: str, clicker: Clicker, now: datetime | None = None) -> ClickOutcome:
    """Judge the click of a click link and charge its price when it is a shopper's first click on that ad.

    A click is filtered (logged with the reason, never charged) when the link is forged or expired,
    the client is a bot, the clicker is not who the ad was shown to, the ad was already clicked, or the
    visitor or address is past its paid-click cap for the window. A valid click the budget cannot
    cover is recorded at no cost. Either way the shopper still gets to the product.
    """
    now = now or timezone.now()
    try:
        claim = claim_from_token(token)
    except ExpiredClickToken as expired:
        return _filtered(Reason.EXPIRED, claim=expired.claim, clicker=clicker, now=now)
    except BadClickToken:
        return _filtered(Reason.FORGED, claim=None, clicker=clicker, now=now)
    if clicker.bot:
        return _filtered(Reason.BOT, claim=claim, clicker=clicker, now=now)
    if not clicker.saw(claim):
        return _filtered(Reason.OTHER_VISITOR, claim=claim, clicker=clicker, now=now)
    if AdClick.objects.filter(impression_id=claim.impression_id).exists():
        return _filtered(Reason.REPEAT, claim=claim, clicker=clicker, now=now)
    over_cap = _click_cap_reached(clicker=clicker, now=now)
    if over_cap is not None:
        return _filtered(over_cap, claim=claim, clicker=clicker, now=now)
    with transaction.atomic():
        try:
            with transaction.atomic():
                click = AdClick.objects.create(
                    impression_id=claim.impression_id,
                    campaign_id=claim.campaign_id,
                    product_id=claim.product_id,
                    slot=claim.slot,
                    visitor_id=clicker.visitor_id[:64] if clicker.recordable else "",
                    address_hash=clicker.address_hash,
                    price=claim.price,
                    clicked_at=now,
                    attribution_until=now + timedelta(days=settings.ADS_ATTRIBUTION_DAYS),
                )
        except IntegrityError:
            # The same impression clicked right now in another request: it is charged there.
            return _filtered(Reason.REPEAT, claim=claim, clicker=clicker, now=now)
        if not campaign_charge(campaign_id=claim.campaign_id, amount=claim.price, now=now):
            return ClickOutcome(claim=claim, cost=Decimal("0.00"), reason="over_budget", click=click)
        click.cost = claim.price
        click.save(update_fields=["cost"])
    return ClickOutcome(claim=claim, cost=claim.price, reason="charged", click=click)


def _filtered(reason: str, *, claim: ClickClaim | None, clicker: Clicker, now: datetime) -> ClickOutcome:
    visitor_id = clicker.visitor_id[:64] if clicker.recordable else ""
    try:
        with transaction.atomic():
            FilteredAdClick.objects.create(
                reason=reason,
                campaign_id=claim.campaign_id if claim else None,
                product_id=claim.product_id if claim else None,
                impression_id=claim.impression_id if claim else None,
                slot=claim.slot if claim else "",
                price=claim.price if claim else None,
                visitor_id=visitor_id,
                address_hash=clicker.address_hash,
                clicked_at=now,
            )
    except IntegrityError:  # the campaign or product was deleted since the ad was shown
        FilteredAdClick.objects.create(
            reason=reason, visitor_id=visitor_id, address_hash=clicker.address_hash, clicked_at=now
        )
    return ClickOutcome(claim=claim, cost=Decimal("0.00"), reason=reason)


def _click_cap_reached(*, clicker: Clicker, now: datetime) -> str | None:
    """Count this click against the visitor's and the address's caps; the reason when one is passed.

    Counters live in the cache, one per fixed window of simulated-or-real `now` (atomic increments, so
    concurrent clicks cannot slip past a cap); while the cache is down no click is capped.
    """
    window = settings.ADS_CLICK_CAP_WINDOW
    bucket = int(now.timestamp() // window)
    caps = [(Reason.ADDRESS_CAP, f"a:{clicker.address_hash}", settings.ADS_CLICK_CAP_PER_ADDRESS)]
    if clicker.visitor_id:
        caps.insert(
            0, (Reason.VISITOR_CAP, Unit.for_visitor(clicker.visitor_id).key, settings.ADS_CLICK_CAP_PER_VISITOR)
        )
    passed = None
    for reason, ident, cap in caps:
        key = f"ads:clicks:{bucket}:{ident}"
        try:
            cache.add(key, 0, window * 2)
            count = cache.incr(key)
        except ValueError:  # expired between add and incr
            cache.set(key, 1, window * 2)
            count = 1
        except Exception:
            logger.exception("Could not count an ad click against its caps")
            continue
        if count > cap and passed is None:
            passed = reason
    return passed


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
