"""`{% ad_slot "search_top" as ads %}`: the sponsored products of a slot, already logged; never raises."""

from __future__ import annotations

import logging

from django import template

from personalization.ads.models import Slot
from personalization.ads.slots import AdSlot, ad_slot_for_request

register = template.Library()
logger = logging.getLogger(__name__)

LISTING_SLOTS = {Slot.SEARCH_TOP, Slot.CATEGORY_TOP}


@register.simple_tag(takes_context=True)
def ad_slot(context, slot: str, query=None, category=None, product=None, organic_count=None, limit=None) -> AdSlot:
    """Ads for `slot`; the search query, category, viewed product and listing come from the page unless given.

    On a listing (search_top, category_top) the page's `products` set how many ads fit (ADS_MAX_SHARE).
    """
    try:
        if slot == Slot.SEARCH_TOP:
            query = context.get("query", "") if query is None else query
        elif slot == Slot.CATEGORY_TOP:
            category = context.get("category") if category is None else category
        elif slot == Slot.PRODUCT_PAGE:
            product = context.get("product") if product is None else product
            category = getattr(product, "category_id", None) if category is None else category
        if organic_count is None and slot in LISTING_SLOTS:
            organic_count = len(context.get("products") or ())
        return ad_slot_for_request(
            context.get("request"),
            slot=slot,
            query=str(query or ""),
            category_id=getattr(category, "pk", category),
            product_id=getattr(product, "pk", product),
            organic_count=organic_count,
            limit=limit,
        )
    except Exception:
        logger.exception("ad_slot %s failed", slot)
        return AdSlot(slot, reason="error")
