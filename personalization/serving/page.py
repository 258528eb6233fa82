"""One page's rows filled together: each product at most once per page, the page's own product never, whole rows.

The template tags ask the request's `PageAllocation` for each row in page order (the order the
template renders them): a row is computed with room for what the page already shows, then
`claim` keeps the products not yet on the page, trims them to whole grid rows, and marks them
shown. A recommendation row with less than one whole row of new products is left out; a small
shop's home grid shows its one short row, and so does "Recently viewed" (SHORT_ROW_SLOTS).

    page = page_allocation(request)
    ranked = page.fill("similar", k=4, context=context, product=product)
    new_arrivals = page.claim(rank_products(products, ...), k=8)
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field

from django.http import HttpRequest

from personalization.serving.context import ShopperContext
from personalization.serving.ranking import RankedList, available
from personalization.serving.slots import fill_slot

# Cards in a grid row at the widest layout; a phone shows two rows of two, so multiples of four fill whole rows.
ROW_SIZE = 4
# Rows shown even when shorter than a grid row: the shopper's own trail (one to three products they looked at)
# is what they came back for, and a missing row reads as a forgotten history. A recommendation row with fewer
# than a row of new products is a weak guess and is left out.
SHORT_ROW_SLOTS = frozenset({"recently_viewed"})
PAGE_ATTRIBUTE = "_page_allocation"
MAX_FETCH = 48  # what fill_slot serves at most


@dataclass
class PageAllocation:
    """What one page shows so far; built once per request and asked by every row of the page, in order."""

    page_product_id: int | None = None
    shown: set[int] = field(default_factory=set)

    def exclusions(self) -> set[int]:
        own = {self.page_product_id} if self.page_product_id is not None else set()
        return self.shown | own

    def claim(
        self, ranked: RankedList, *, k: int, row_size: int = ROW_SIZE, lead: int = 0, short_row: bool = False
    ) -> RankedList:
        """The first products of `ranked` not on the page yet, in stock, as whole rows of at most k; now shown.

        `lead` products stand before the grid (a featured card), so the grid gets whole rows after them.
        `short_row`: with less than one whole row, show the one short row rather than nothing (a small
        shop's home grids); a recommendation row is then left out.
        """
        excluded = self.exclusions()
        fresh = [p for p in available(ranked.products) if p.pk not in excluded]
        fresh = list({p.pk: p for p in fresh}.values())  # a list that repeats itself shows the product once
        size = min(k, len(fresh))
        grid = max(size - lead, 0) // row_size * row_size
        if grid:
            kept = fresh[: lead + grid]
        else:
            kept = fresh[:size] if short_row else []
        self.shown.update(p.pk for p in kept)
        reasons = {p.pk: ranked.reasons[p.pk] for p in kept if p.pk in ranked.reasons}
        return dataclasses.replace(ranked, products=tuple(kept), reasons=reasons)

    def fill(self, slot: str, *, k: int, context: ShopperContext, product=None, **params) -> RankedList:
        """Slot `slot` for this page: asked for enough products to make up for those already shown, then claimed."""
        if product is not None and self.page_product_id is None:
            self.page_product_id = product.pk
        if product is not None:
            params["product"] = product
        wanted = min(k + len(self.exclusions()), MAX_FETCH)
        ranked = fill_slot(slot, k=wanted, context=context, **params)
        return self.claim(ranked, k=k, short_row=slot in SHORT_ROW_SLOTS)


def page_allocation(request: HttpRequest) -> PageAllocation:
    """The request's page allocation (one per request: every row of the page shares it)."""
    allocation = getattr(request, PAGE_ATTRIBUTE, None)
    if allocation is None:
        allocation = PageAllocation()
        setattr(request, PAGE_ATTRIBUTE, allocation)
    return allocation
