"""Whether a promoted product is relevant to the page asking for ads: pure functions over the live index.

Targeting is explicit or automatic. A campaign with target categories shows where the page's
category is one of them or below one of them; without, a product shows in its own category and
the categories above it. A campaign with keywords shows for searches containing a keyword (every
word of a phrase); without, for searches whose every word is in the product's name, brand or category.
On a product page, only products of the viewed product's category compete, never the product itself.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import datetime

from personalization.ads.models import Slot

WORD = re.compile(r"[^\W_]+", re.UNICODE)
MAX_QUERY_WORDS = 12


def normalize_word(word: str) -> str:
    # "shoes" finds "shoe": a crude singular, good enough for matching, never shown to anyone.
    word = word.lower()
    if len(word) > 3 and word.endswith("s") and not word.endswith("ss"):
        return word[:-1]
    return word


def words(text: str) -> frozenset[str]:
    return frozenset(normalize_word(word) for word in WORD.findall(text or "")[:MAX_QUERY_WORDS])


@dataclass(frozen=True)
class PromotedSpec:
    promoted_id: int
    product_id: int
    category_chain: tuple[int, ...]  # the product's category, then each category above it
    terms: frozenset[str]


@dataclass(frozen=True)
class CampaignSpec:
    id: int
    starts_at: datetime
    ends_at: datetime | None
    category_ids: frozenset[int]
    keywords: tuple[frozenset[str], ...]
    products: tuple[PromotedSpec, ...]

    def in_schedule(self, now: datetime) -> bool:
        return self.starts_at <= now and (self.ends_at is None or now < self.ends_at)


@dataclass(frozen=True)
class LiveIndex:
    """Active campaigns with their targeting, and the category tree to walk up from a page."""

    campaigns: tuple[CampaignSpec, ...] = ()
    category_parents: dict[int, int | None] = field(default_factory=dict)

    def chain(self, category_id: int | None) -> tuple[int, ...]:
        chain: list[int] = []
        while category_id is not None and category_id not in chain:
            chain.append(category_id)
            category_id = self.category_parents.get(category_id)
        return tuple(chain)


@dataclass(frozen=True)
class Page:
    """What a slot is shown next to: the search words, the category, or the viewed product."""

    slot: str
    query_words: frozenset[str] = frozenset()
    category_id: int | None = None
    product_id: int | None = None


def is_relevant(campaign: CampaignSpec, promoted: PromotedSpec, page: Page, index: LiveIndex) -> bool:
    if page.slot == Slot.SEARCH_TOP:
        if not page.query_words:
            return False
        if campaign.keywords:
            return any(keyword and keyword <= page.query_words for keyword in campaign.keywords)
        return page.query_words <= promoted.terms
    if page.slot == Slot.CATEGORY_TOP:
        if page.category_id is None:
            return False
        if campaign.category_ids:
            return bool(campaign.category_ids.intersection(index.chain(page.category_id)))
        return page.category_id in promoted.category_chain
    if page.slot == Slot.PRODUCT_PAGE:
        if page.category_id is None or promoted.product_id == page.product_id:
            return False
        if not promoted.category_chain or promoted.category_chain[0] != page.category_id:
            return False
        return not campaign.category_ids or bool(campaign.category_ids.intersection(index.chain(page.category_id)))
    return False


def relevant_pairs(index: LiveIndex, page: Page, *, now: datetime) -> list[tuple[CampaignSpec, PromotedSpec]]:
    return [
        (campaign, promoted)
        for campaign in index.campaigns
        if campaign.in_schedule(now)
        for promoted in campaign.products
        if is_relevant(campaign, promoted, page, index)
    ]
