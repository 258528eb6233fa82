"""Filling an ad slot for a request: candidates, eligibility, auction, click links, impressions.

`ad_slot_for_request` is the one entry point of the template tag and the API. It never raises:
any failure is logged and the page simply has no ads. Its queries are bounded: none when the
cached index has nothing relevant (bots and full listings cost nothing either), otherwise one for
the candidates' current budgets and stock and two for the winners' cards.
"""

from __future__ import annotations

import logging
import uuid
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal

from django.conf import settings
from django.http import HttpRequest
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy

from personalization.ads import conf
from personalization.ads.auction import Bid, Placement, run_auction
from personalization.ads.clicks import ClickClaim, click_token, request_address_hash
from personalization.ads.models import AdCampaign
from personalization.ads.pacing import Spend, ahead_of_pace, day_fraction, effective_bid
from personalization.ads.quality import smoothed_ctr
from personalization.ads.selectors import (
    CandidateFacts,
    candidate_facts,
    live_index,
    products_for_ads,
    slot_priors,
)
from personalization.ads.services import frequency_count_add, frequency_counts
from personalization.ads.targeting import Page, relevant_pairs

logger = logging.getLogger(__name__)

# Shown on the page in the shopper's language (the API keeps the literal "Sponsored" its schema promises).
SPONSORED_LABEL = gettext_lazy("Sponsored")


@dataclass(frozen=True)
class ShownAd:
    product: object  # shop.models.Product, with brand, category and images loaded
    campaign_id: int
    slot: str
    position: int
    price: Decimal  # what a click costs the advertiser; never shown to shoppers
    impression_id: str
    click_url: str
    label: str = SPONSORED_LABEL


@dataclass(frozen=True)
class AdSlot:
    slot: str
    ads: tuple[ShownAd, ...] = ()
    reason: str = "ok"  # ok, disabled, bot, no_room, no_candidates, error

    def __bool__(self) -> bool:
        return bool(self.ads)

    def __iter__(self):
        return iter(self.ads)

    def __len__(self) -> int:
        return len(self.ads)


def eligible_bids(facts: list[CandidateFacts], *, slot: str, now: datetime, capped_campaigns: set[int]) -> list[Bid]:
    """Bids of the candidates that may take part now: active, budget and pace left, in stock, under the cap."""
    today = timezone.localdate(now)
    fraction = day_fraction(now)
    prior = slot_priors()[slot]
    bids = []
    for fact in facts:
        if fact.status != AdCampaign.Status.ACTIVE or fact.campaign_id in capped_campaigns:
            continue
        if not fact.product_active or fact.stock <= 0:
            continue
        spend = Spend(
            daily_budget=fact.daily_budget,
            total_budget=fact.total_budget,
            spent_today=fact.spent_today if fact.spend_day == today else Decimal("0.00"),
            spent_total=fact.spent_total,
        )
        if ahead_of_pace(spend, fraction=fraction, slack=settings.ADS_PACING_SLACK):
            continue
        amount = effective_bid(max_cpc=fact.max_cpc, spend=spend)
        quality = smoothed_ctr(clicks=fact.clicks, impressions=fact.impressions, prior=prior)
        bids.append(Bid(campaign_id=fact.campaign_id, product_id=fact.product_id, amount=amount, quality=quality))
    return bids


def fill_ad_slot(*, page: Page, visitor_id: str, positions: int, now: datetime) -> tuple[Placement, ...]:
    """The auction's winners for this page and visitor (no side effects)."""
    if positions <= 0:
        return ()
    index = live_index()
    pairs = relevant_pairs(index, page, now=now)
    if not pairs:
        return ()
    seen = frequency_counts(visitor_id=visitor_id, campaign_ids=[c.id for c, _ in pairs], now=now)
    capped = {pk for pk, count in seen.items() if count >= settings.ADS_FREQUENCY_CAP}
    promoted_ids = [promoted.promoted_id for campaign, promoted in pairs if campaign.id not in capped]
    facts = candidate_facts(promoted_ids=promoted_ids)
    bids = eligible_bids(facts, slot=page.slot, now=now, capped_campaigns=capped)
    return run_auction(bids, positions=positions, reserve=conf.reserve_price())


def _shown_ads(placements, *, slot: str, visitor_id: str, address_hash: str) -> tuple[ShownAd, ...]:
    products = products_for_ads(ids=[placement.bid.product_id for placement in placements])
    shown = []
    for placement in placements:
        product = products.get(placement.bid.product_id)
        if product is None or not product.is_purchasable:
            continue
        impression_id = uuid.uuid4()
        claim = ClickClaim(
            impression_id=impression_id,
            campaign_id=placement.bid.campaign_id,
            product_id=product.pk,
            price=placement.price,
            slot=slot,
            visitor_id=visitor_id,
            address_hash=address_hash,
        )
        shown.append(
            ShownAd(
                product=product,
                campaign_id=placement.bid.campaign_id,
                slot=slot,
                position=len(shown) + 1,
                price=placement.price,
                impression_id=impression_id.hex,
                click_url=reverse("ads:click", kwargs={"token": click_token(claim)}),
            )
        )
    return tuple(shown)


def is_bot(request: HttpRequest) -> bool:
    decision = getattr(request, "tracking", None)
    return getattr(decision, "reason", "") == "bot"


def log_impressions(request: HttpRequest, slot: AdSlot, *, visitor_id: str, now: datetime) -> None:
    """Count the shown ads against the frequency caps, and record one ad_impression event per ad."""
    frequency_count_add(visitor_id=visitor_id, campaign_ids=[ad.campaign_id for ad in slot.ads], now=now)
    from personalization.tracking.capture import defer, event_from_request, recording_allowed

    if not recording_allowed(request) or not hasattr(request, "_tracking_pending"):
        return
    for ad in slot.ads:
        context = {
            "campaign": ad.campaign_id,
            "slot": ad.slot,
            "price": str(ad.price),
            "impression_id": ad.impression_id,
            "position": ad.position,
        }
        defer(request, event_from_request(request, type="ad_impression", product_id=ad.product.pk, context=context))


def ad_slot_for_request(
    request: HttpRequest | None,
    *,
    slot: str,
    query: str = "",
    category_id: int | None = None,
    product_id: int | None = None,
    organic_count: int | None = None,
    limit: int | None = None,
) -> AdSlot:
    """The ads this request shows in `slot`, already logged; an empty AdSlot (with the reason) when none."""
    from personalization.ads.targeting import words

    try:
        if not settings.ADS_ENABLED:
            return AdSlot(slot, reason="disabled")
        if request is None or is_bot(request):
            # Robots neither see ads nor make advertisers pay: their clicks are not shoppers'.
            return AdSlot(slot, reason="bot")
        positions = conf.ads_allowed_for_listing(organic_count)
        if limit is not None:
            positions = min(positions, limit)
        if positions <= 0:
            return AdSlot(slot, reason="no_room")
        now = timezone.now()
        visitor_id = getattr(request, "visitor_id", None) or ""
        page = Page(slot=slot, query_words=words(query), category_id=category_id, product_id=product_id)
        placements = fill_ad_slot(page=page, visitor_id=visitor_id, positions=positions, now=now)
        if not placements:
            return AdSlot(slot, reason="no_candidates")
        # Without a visitor id the click link is bound to the address the ad was shown to.
        address_hash = "" if visitor_id else request_address_hash(request)
        result = AdSlot(slot, ads=_shown_ads(placements, slot=slot, visitor_id=visitor_id, address_hash=address_hash))
        log_impressions(request, result, visitor_id=visitor_id, now=now)
        return result
    except Exception:
        logger.exception("Could not fill the ad slot %s", slot)
        return AdSlot(slot, reason="error")
