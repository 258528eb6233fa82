"""The auction of one ad slot: rank by bid x predicted CTR, price by generalized second price.

Pure functions over frozen values, so every price can be worked out by hand in a test.

Each winner pays the least that would still have kept its position: the next bidder's
score divided by the winner's own quality, plus one cent, rounded up to the cent; never
less than the reserve price and never more than the winner's own bid. The last winner is
priced by the first loser, a bidder alone pays the reserve.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import ROUND_CEILING, Decimal

CENT = Decimal("0.01")


@dataclass(frozen=True)
class Bid:
    campaign_id: int
    product_id: int
    amount: Decimal  # the most this campaign pays for a click here (its bid, capped by the budget it has left)
    quality: float  # predicted click-through rate, 0 < quality <= 1

    @property
    def score(self) -> Decimal:
        return self.amount * _decimal(self.quality)


@dataclass(frozen=True)
class Placement:
    position: int  # 1-based
    bid: Bid
    price: Decimal  # charged per click
    reason: str  # "outbid_next" (priced by the next bidder) or "reserve" (nobody below, or below the reserve)


def _decimal(value: float) -> Decimal:
    return Decimal(repr(float(value)))


def rank(bids: Iterable[Bid]) -> list[Bid]:
    """Best first: score, then the higher bid, then the older campaign and product (ids), so ties are stable."""
    return sorted(bids, key=lambda bid: (-bid.score, -bid.amount, bid.campaign_id, bid.product_id))


def one_per_campaign_and_product(ranked: Sequence[Bid]) -> list[Bid]:
    """Keep each campaign's best product, and each product once (a brand and a seller may promote the same one)."""
    campaigns: set[int] = set()
    products: set[int] = set()
    kept = []
    for bid in ranked:
        if bid.campaign_id in campaigns or bid.product_id in products:
            continue
        campaigns.add(bid.campaign_id)
        products.add(bid.product_id)
        kept.append(bid)
    return kept


def second_price(*, own: Bid, next_bid: Bid | None, reserve: Decimal) -> tuple[Decimal, str]:
    """What `own` pays per click when `next_bid` ranks right below it."""
    if next_bid is None:
        return min(max(reserve, CENT), own.amount), "reserve"
    keep_position = next_bid.score / _decimal(own.quality) + CENT
    price = keep_position.quantize(CENT, rounding=ROUND_CEILING)
    if price <= reserve:
        return min(reserve, own.amount), "reserve"
    return min(price, own.amount), "outbid_next"


def run_auction(bids: Iterable[Bid], *, positions: int, reserve: Decimal) -> tuple[Placement, ...]:
    """Fill up to `positions` places from `bids`; bids under the reserve or without quality take no part."""
    if positions <= 0:
        return ()
    valid = [bid for bid in bids if bid.amount >= reserve and bid.amount > 0 and bid.quality > 0]
    ranked = one_per_campaign_and_product(rank(valid))
    placements = []
    for index, own in enumerate(ranked[:positions]):
        next_bid = ranked[index + 1] if index + 1 < len(ranked) else None
        price, reason = second_price(own=own, next_bid=next_bid, reserve=reserve)
        placements.append(Placement(position=index + 1, bid=own, price=price, reason=reason))
    return tuple(placements)
