"""The click on a shown ad: charge it once, record it, send the shopper on to the product."""

from __future__ import annotations

from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.urls import reverse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from personalization.ads.clicks import BadClickToken, ExpiredClickToken, claim_from_token
from personalization.ads.services import ad_click_register
from personalization.ads.slots import is_bot
from shop.models import Product


@never_cache
@require_GET
def click(request: HttpRequest, token: str) -> HttpResponse:
    from personalization.tracking.capture import defer, event_from_request, recording_allowed

    try:
        claim, payable = claim_from_token(token), True
    except ExpiredClickToken as expired:
        claim, payable = expired.claim, False
    except BadClickToken:
        raise Http404("No such ad.") from None
    slug = Product.objects.filter(pk=claim.product_id, is_active=True).values_list("slug", flat=True).first()
    target = reverse("shop:product", kwargs={"slug": slug}) if slug else reverse("shop:home")
    if payable and not is_bot(request):
        # Orders are attributed to the visitor who clicked, and only when they let us record them.
        visitor_id = (getattr(request, "visitor_id", None) or "") if recording_allowed(request) else ""
        outcome = ad_click_register(claim=claim, visitor_id=visitor_id)
        if outcome.first and recording_allowed(request):
            context = {
                "campaign": claim.campaign_id,
                "slot": claim.slot,
                "impression_id": claim.impression_id.hex,
                "price": str(claim.price),
                "charged": outcome.reason == "charged",
            }
            event = event_from_request(
                request, type="ad_click", product_id=claim.product_id, context=context, value=outcome.cost
            )
            defer(request, event)
    response = HttpResponseRedirect(target)
    response["X-Robots-Tag"] = "noindex, nofollow"
    return response
