"""`{% coupon_offer as offer %}`: the shopper's personal offer, if any; showing it records coupon_shown."""

from __future__ import annotations

from django import template

from personalization.offers.decisions import offer_for_request
from personalization.offers.services import offer_shown_record

register = template.Library()


@register.simple_tag(takes_context=True)
def coupon_offer(context):
    request = context.get("request")
    offer = offer_for_request(request)
    if offer is not None:
        offer_shown_record(request=request, offer=offer)
    return offer
