"""Template tags that ask personalization what this shopper sees; they never raise.

The rows of one page are filled together (serving.page): each tag asks the request's page
allocation in page order, so no product shows twice and the page's own product never shows in
its rows. What a tag shows is logged by the serving layer's service (serving.impressions.shown_list_log).
"""

from __future__ import annotations

import logging

from django import template

from personalization.serving import RankedList, context_for_request, rank_products
from personalization.serving.impressions import shown_list_log
from personalization.serving.page import page_allocation

register = template.Library()
logger = logging.getLogger(__name__)


@register.simple_tag(takes_context=True)
def personalized_products(context, products, surface: str = "listing", k: int | None = None, lead: int = 0):
    """`{% personalized_products page.object_list surface="category" as ranked %}`: this shopper's order.

    With `k` the list is one of the page's rows (`{% personalized_products new surface="home" k=8 %}`): at
    most k products in stock not shown above, in whole grid rows after `lead` featured cards (or the one
    short row a small shop has).
    """
    request = context.get("request")
    try:
        products = list(products)
        if request is None:
            return RankedList(products=tuple(products), surface=surface)
        shopper = context_for_request(request)
        ranked = rank_products(products, context=shopper, surface=surface)
        if k is not None:
            ranked = page_allocation(request).claim(ranked, k=int(k), lead=int(lead), short_row=True)
    except Exception:
        logger.exception("personalized_products failed; default order")
        return RankedList(products=tuple(products or ()), surface=surface)
    shown_list_log(request=request, context=shopper, ranked=ranked, slot=surface)
    return ranked


@register.simple_tag(takes_context=True)
def recommendations(context, slot: str, k: int = 8, product=None, category=None):
    """`{% recommendations "similar" 8 product=product as recs %}`: a named slot for this shopper, as a page row."""
    request = context.get("request")
    if request is None:
        return RankedList(surface=slot)
    try:
        params = {key: value for key, value in (("product", product), ("category", category)) if value is not None}
        shopper = context_for_request(request)
        ranked = page_allocation(request).fill(slot, k=int(k), context=shopper, **params)
    except Exception:
        logger.exception("recommendations %s failed", slot)
        return RankedList(surface=slot)
    shown_list_log(request=request, context=shopper, ranked=ranked, slot=slot)
    return ranked


@register.inclusion_tag("personalization/slot.html", takes_context=True)
def recommendation_slot(context, slot: str, title: str, k: int = 8, product=None, category=None):
    """A titled row of recommendation cards with their reasons; renders nothing when the slot is empty."""
    ranked = recommendations(context, slot, k, product=product, category=category)
    return {
        "ranked": ranked,
        "title": title,
        "slot": slot,
        "request": context.get("request"),
        "currency": context.get("currency", ""),
    }


@register.filter
def reason_for(ranked, product) -> str:
    try:
        return ranked.reason_for(product)
    except Exception:
        return ""
