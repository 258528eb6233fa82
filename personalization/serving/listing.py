"""The shop's listing ranker (shop.listing): each shopper's order of a category or search, logged when shown."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from functools import partial

from django.db.models import QuerySet
from django.http import HttpRequest

from personalization.serving.context import context_for_request
from personalization.serving.impressions import shown_list_log
from personalization.serving.ranking import RankedList, has_rest, listing_rest, rank_listing_queryset
from shop.listing import ListingRanker, RankedListing
from shop.listing_counts import listing_count
from shop.selectors import ProductsInOrder, products_in_order

# Search results: relevance decides the matches; personalization reorders only the best of them.
SEARCH_RERANK_TOP = 48
# The matches whose ids search reads at once, in relevance's order after the reranked ones: only the pages
# past them count the matches (a category's head is shorter, `ranking.LISTING_CANDIDATES`: its count is kept).
SEARCH_HEAD = 2000


class HeadThenRest(Sequence):
    """A long listing: the ranked head's ids, then the rest's in the catalogue's order, fetched a page at a time.

    Every product of the listing is in the head or in the rest (the rest leaves the head out, and
    the head holds only the listing's products), so the listing's length is the whole listing's
    count, and pages never repeat or skip a product.
    """

    def __init__(self, head: Sequence[int], rest: QuerySet | Callable[[], QuerySet], *, listing: QuerySet):
        self.head = list(head)
        self._rest = rest  # or what makes it: a page within the head never needs it (a filter on every head id)
        self._listing = listing
        self._count: int | None = None

    @property
    def rest(self) -> QuerySet:
        if callable(self._rest):
            self._rest = self._rest()
        return self._rest

    def __len__(self) -> int:
        if self._count is None:
            self._count = listing_count(self._listing)
        return self._count

    def __getitem__(self, index):
        if not isinstance(index, slice):
            found = self[index : index + 1] if index >= 0 else self[len(self) + index : len(self) + index + 1]
            if not found:
                raise IndexError(index)
            return found[0]
        start, stop, step = index.indices(len(self))
        if step != 1:
            raise ValueError("a listing is read in pages, without a step")
        ids = self.head[start:stop]
        if stop > len(self.head):
            ids += list(self.rest[max(0, start - len(self.head)) : stop - len(self.head)])
        return products_in_order(ids=ids)


class PersonalizedListingRanker(ListingRanker):
    def rank(self, *, request: HttpRequest, products: QuerySet, surface: str) -> RankedListing:
        context = context_for_request(request)
        rerank_top, head = (SEARCH_RERANK_TOP, SEARCH_HEAD) if surface == "search" else (None, None)
        ranked = rank_listing_queryset(products, context=context, surface=surface, rerank_top=rerank_top, head=head)
        return RankedListing(
            products=HeadThenRest(ranked.products, partial(listing_rest, products, ranked, head=head), listing=products)
            if has_rest(ranked, head=head)
            else ProductsInOrder(list(ranked.products)),
            list_id=ranked.list_id,
            surface=surface,
            ranker=ranked.ranker,
        )

    def listing_shown(self, *, request: HttpRequest, listing: RankedListing, shown: Sequence, offset: int) -> None:
        shown_list = RankedList(
            products=tuple(shown), list_id=listing.list_id, ranker=listing.ranker, surface=listing.surface
        )
        shown_list_log(
            request=request,
            context=context_for_request(request),
            ranked=shown_list,
            slot=listing.surface,
            offset=offset,
        )
