"""The choice model: how much a shopper likes a product, which card they click, whether they buy.

Pure functions of the hidden taste, the position and a random stream, so they can be
tested with two fake rankings and no database. A card is examined top-down (a cascade):
the chance of clicking position p is `position_bias(p) x attraction(utility)`, so a list
that puts what the shopper likes on top earns more clicks, and clicks on liked products
turn into purchases more often.
"""

from __future__ import annotations

import math
import random
from collections.abc import Sequence
from dataclasses import dataclass

from demo.simulator.shoppers import CatalogItem, Taste

CATEGORY_WEIGHT = 1.2
NEED_WEIGHT = 1.2
BRAND_WEIGHT = 0.6
PRICE_WEIGHT = 1.2
# Clicks go to what the shopper might buy: a card of the needed category but another brand draws few
# clicks, one of their brand at their price most. With a lower, softer threshold (2.0, 3.0) every card of
# the needed category attracted, the cascade clicked whatever came first, and consecutive views shared
# a brand no more often than chance (203 of 693 pairs against 214 expected): no model could learn a
# taste from such clicks, and none could win an experiment by knowing it.
CLICK_THRESHOLD = 2.6
CLICK_STEEPNESS = 5.0
BUY_THRESHOLD = 3.0
BUY_STEEPNESS = 3.0
# Stars: a match of 0.6 (a liked category, half-way from their price) is 3 stars; the noise moves a
# rating by about one star now and then, so a good product still gets the odd 3.
RATING_MIDPOINT = 0.6
RATING_STEEPNESS = 2.0
RATING_NOISE = 0.5
# A product's hidden quality (`CatalogItem.quality`) takes this much off the stars' logit at quality 0: a dud
# that matches a buyer's taste exactly still rates 1 or 2, as a good-looking product that breaks would.
DUD_PENALTY = 6.0
# Shoppers read the stars before they buy: an average below WARY_BELOW puts them off, the more the lower it is
# (at most STARS_PUT_OFF of the chance to buy, at one star) and the more reviews say so (n / (n + STARS_TRUSTED)).
WARY_BELOW = 3.5
STARS_PUT_OFF = 0.8
STARS_TRUSTED = 2


@dataclass(frozen=True)
class Card:
    """A product as shown in a list: which list, at which 1-based position, and where its link goes."""

    list_id: str
    product_id: int
    position: int
    href: str


def position_bias(position: int) -> float:
    """The chance a card is looked at closely, by its 1-based position (the DCG discount)."""
    return 1.0 / math.log2(position + 1)


def _sigmoid(x: float) -> float:
    return 1.0 / (1.0 + math.exp(-x))


def _taste_noise(seed: int, product_key: int) -> float:
    """A fixed personal quirk per (shopper, product) in [-0.25, 0.25]: the same every visit."""
    mixed = (seed * 0x9E3779B1 + product_key * 0x85EBCA77) & 0xFFFFFFFF
    mixed ^= mixed >> 15
    return ((mixed * 0x2C1B3C6D) & 0xFFFF) / 0xFFFF * 0.5 - 0.25


def utility(taste: Taste, item: CatalogItem, *, seed: int = 0) -> float:
    """How much the shopper wants this product now: about -1.2 (nothing for them) to 3.2 (exactly it)."""
    return (
        CATEGORY_WEIGHT * taste.categories.get(item.category, 0.0)
        + NEED_WEIGHT * taste.needs.get(item.category, 0.0)
        + BRAND_WEIGHT * taste.brands.get(item.brand, 0.0)
        - PRICE_WEIGHT * abs(item.price_level - taste.price_level)
        + _taste_noise(seed, item.quirk_key)
    )


def click_probability(position: int, value: float) -> float:
    return position_bias(position) * _sigmoid(CLICK_STEEPNESS * (value - CLICK_THRESHOLD))


def buy_probability(value: float, *, eagerness: float) -> float:
    return eagerness * _sigmoid(BUY_STEEPNESS * (value - BUY_THRESHOLD))


def stars_effect(average: float | None, count: int) -> float:
    """The factor on the chance to buy of a product whose page shows this average of `count` reviews."""
    if average is None or count <= 0:
        return 1.0
    lowness = min(max((WARY_BELOW - average) / (WARY_BELOW - 1.0), 0.0), 1.0)
    return 1.0 - STARS_PUT_OFF * lowness * count / (count + STARS_TRUSTED)


def click_choice(rng: random.Random, cards: Sequence[Card], utilities: Sequence[float], *, depth: int) -> Card | None:
    """Examine the first `depth` cards in order; the first one that attracts a click is the choice."""
    for card, value in zip(cards[:depth], utilities[:depth], strict=False):
        if rng.random() < click_probability(card.position, value):
            return card
    return None


def review_rating(taste: Taste, item: CatalogItem, *, rng: random.Random, seed: int = 0) -> int:
    """The stars (1-5) a shopper gives what they received: how well it matches their lasting taste, and
    how good it turned out to be (its hidden quality).

    Needs are left out (the purchase met the need); a sound product of their favourite category and brand
    at their price level rates about 5, one of a category they have no liking for, far from their price, 1
    or 2; a dud (quality near 0) 1 or 2 whatever their taste.
    """
    match = (
        CATEGORY_WEIGHT * taste.categories.get(item.category, 0.0)
        + BRAND_WEIGHT * taste.brands.get(item.brand, 0.0)
        - PRICE_WEIGHT * abs(item.price_level - taste.price_level)
        + _taste_noise(seed, item.quirk_key)
    )
    disappointment = DUD_PENALTY * (1.0 - item.quality)
    satisfaction = _sigmoid(
        RATING_STEEPNESS * (match - RATING_MIDPOINT) - disappointment + rng.gauss(0.0, RATING_NOISE)
    )
    return max(1, min(5, round(1 + 4 * satisfaction)))
