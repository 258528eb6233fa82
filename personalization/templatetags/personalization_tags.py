"""Template tags that ask personalization what this shopper sees; they never raise and log what was shown."""

from __future__ import annotations

import logging

from django import template

from personalization.serving import RankedList, context_for_request, fill_slot, rank_products

register = template.Library()
logger = logging.getLogger(__name__)


def log_impression(request, ranked: RankedList, *, slot: str, offset: int = 0) -> None:
    """One list_impression per rendered list, with the product at each position, for click attribution.

    `offset` is the number of products before this page, so positions count across pages.
    """
    if request is None or not ranked:
        return
    try:
        from personalization.tracking.capture import defer, event_from_request, recording_allowed

        if not recording_allowed(request):
            return
        defer(
            request,
            event_from_request(
                request,
                type="list_impression",
                context={
                    "list_id": ranked.list_id,
                    "slot": slot,
                    "ranker": ranked.ranker,
                    "product_ids": [p.pk for p in ranked.products][:48],
                    "offset": offset,
                },
            ),
        )
    except Exception:
        logger.exception("Could not log the impression of %s", slot)


@register.simple_tag(takes_context=True)
def personalized_products(context, products, surface: str = "listing"):
    """`{% personalized_products page.object_list surface="category" as ranked %}`: this shopper's order."""
    request = context.get("request")
    try:
        products = list(products)
        if request is None:
            return RankedList(products=tuple(products), surface=surface)
        ranked = rank_products(products, context=context_for_request(request, page=surface), surface=surface)
    except Exception:
        logger.exception("personalized_products failed; default order")
        return RankedList(products=tuple(products or ()), surface=surface)
    log_impression(request, ranked, slot=surface)
    return ranked


@register.simple_tag(takes_context=True)
def recommendations(context, slot: str, k: int = 8, product=None, category=None):
    """`{% recommendations "similar" 8 product=product as recs %}`: a named slot for this shopper."""
    request = context.get("request")
    if request is None:
        return RankedList(surface=slot)
    try:
        params = {key: value for key, value in (("product", product), ("category", category)) if value is not None}
        ranked = fill_slot(slot, k=k, context=context_for_request(request, page=slot), **params)
    except Exception:
        logger.exception("recommendations %s failed", slot)
        return RankedList(surface=slot)
    log_impression(request, ranked, slot=slot)
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
