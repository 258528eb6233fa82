"""The click on a shown ad: judge it, charge it once if it is the shopper's, send the shopper on to the product."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.urls import reverse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from personalization.ads.clicks import clicker_from_request
from personalization.ads.services import ad_click_register
from shop.models import Product


@never_cache
@require_GET
def click(request: HttpRequest, token: str) -> HttpResponse:
    from personalization.tracking.capture import defer, event_from_request, recording_allowed

    outcome = ad_click_register(token=token, clicker=clicker_from_request(request))
    claim = outcome.claim
    slug = None
    if claim is not None:
        slug = Product.objects.filter(pk=claim.product_id, is_active=True).values_list("slug", flat=True).first()
    # Whatever the verdict, the shopper lands somewhere useful: filtering a click never breaks navigation.
    target = reverse("shop:product", kwargs={"slug": slug}) if slug else reverse("shop:home")
    if outcome.valid and recording_allowed(request):
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
