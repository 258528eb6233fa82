"""The shop's listing ranker (shop.listing): each shopper's order of a category or search, logged when shown."""

from __future__ import annotations

from collections.abc import Sequence

from django.db.models import QuerySet
from django.http import HttpRequest

from personalization.serving.context import context_for_request
from personalization.serving.impressions import shown_list_log
from personalization.serving.ranking import RankedList, rank_listing_queryset
from shop.listing import ListingRanker, RankedListing
from shop.selectors import ProductsInOrder

# Search results: relevance decides the matches; personalization reorders only the best of them.
SEARCH_RERANK_TOP = 48


class PersonalizedListingRanker(ListingRanker):
    def rank(self, *, request: HttpRequest, products: QuerySet, surface: str) -> RankedListing:
        context = context_for_request(request)
        rerank_top = SEARCH_RERANK_TOP if surface == "search" else None
        ranked = rank_listing_queryset(products, context=context, surface=surface, rerank_top=rerank_top)
        return RankedListing(
            products=ProductsInOrder(list(ranked.products)),
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
