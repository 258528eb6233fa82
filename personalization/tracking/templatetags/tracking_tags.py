"""Template tags of tracking: the script, the consent banner, the shopper's privacy controls.

{% load tracking_tags %}
{% tracking_script %}      before </body>; renders nothing when the request may not be recorded
{% consent_banner %}       renders only where consent is required and not yet given
{% privacy_controls %}     the account page section: switch, download, delete
"""

from __future__ import annotations

from urllib.parse import urlsplit

from django import template
from django.conf import settings
from django.template.loader import render_to_string
from django.urls import reverse

from personalization.tracking.capture import described_page_event
from personalization.tracking.policy import consent_state, personalization_enabled
from personalization.tracking.validation import MAX_EVENTS

register = template.Library()

FLUSH_INTERVAL_MS = 5000


@register.simple_tag(takes_context=True)
def tracking_script(context) -> str:
    request = context.get("request")
    if request is None or not getattr(request, "tracking", None):
        return ""
    # A product page's script reports dwell and scroll on its product (see receivers.record_product_view).
    page_event = described_page_event(request)
    product_id = page_event.product_id if page_event is not None else None
    config = {
        "endpoint": reverse("tracking-api:events"),
        "flushIntervalMs": FLUSH_INTERVAL_MS,
        "maxBatch": MAX_EVENTS,
        "productId": product_id,
    }
    return render_to_string("tracking/script.html", {"config": config})  # needs nothing of the request


@register.inclusion_tag("tracking/consent_banner.html", takes_context=True)
def consent_banner(context) -> dict:
    request = context.get("request")
    show = (
        request is not None
        and settings.PERSONALIZATION_REQUIRE_CONSENT
        and not consent_state(request)
        and request.META.get("HTTP_DNT") != "1"
        and request.META.get("HTTP_SEC_GPC") != "1"
    )
    return {
        "show": show,
        "csrf_token": context.get("csrf_token"),
        "next": request.get_full_path() if request is not None else "/",
    }


@register.inclusion_tag("tracking/privacy_controls.html", takes_context=True)
def privacy_controls(context) -> dict:
    request = context["request"]
    return {
        "enabled": personalization_enabled(request),
        "signed_in": request.user.is_authenticated,
        "browser_signal": request.META.get("HTTP_DNT") == "1" or request.META.get("HTTP_SEC_GPC") == "1",
        # Where the shopping assistant sends what shoppers type, when the owner configured a language model.
        "assistant_llm_host": urlsplit(settings.ASSISTANT_LLM_URL).hostname or "",
        "csrf_token": context.get("csrf_token"),
        "next": request.get_full_path(),
    }
