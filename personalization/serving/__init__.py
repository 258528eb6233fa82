"""What each shopper sees: rank a candidate set, or fill a named slot, for one request's context.

    context = context_for_request(request)
    ranked = rank_products(products, context=context, surface="category")
    recs = fill_slot("for_you", k=8, context=context)

Both return a `RankedList` (products in order, a list id, the ranker that produced it,
and a reason per product) and never raise: any error inside falls back to the page's
default order and is logged.
"""

from personalization.serving.context import ShopperContext, context_for_request
from personalization.serving.ranking import ListingRow, RankedList, rank_listing, rank_listing_queryset, rank_products
from personalization.serving.slots import SLOTS, fill_slot

__all__ = [
    "SLOTS",
    "ListingRow",
    "RankedList",
    "rank_listing",
    "rank_listing_queryset",
    "ShopperContext",
    "context_for_request",
    "fill_slot",
    "rank_products",
]
