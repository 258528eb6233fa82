"""The shopper context: who is asking and what they did just now; built once per request, read-only.

Building it writes nothing: the experiment exposure of the ranker it picks is logged by the code
that shows the ranked list (serving.impressions.shown_list_log).
"""

from __future__ import annotations

import hashlib
import logging
from dataclasses import dataclass

from django.conf import settings
from django.http import HttpRequest

from personalization.experiments.decisions import ranker_for_request
from personalization.shopper import unit_for_request, visitor_id_of
from personalization.tracking.policy import personalization_enabled
from personalization.tracking.selectors import recent_events
from shop.cart_session import request_cart_if_loaded

logger = logging.getLogger(__name__)

# How much of the live history feeds the sequence model.
HISTORY_LENGTH = 50
SEQUENCE_EVENTS = {"product_view": "view", "list_click": "view", "add_to_cart": "add_to_cart", "purchase": "purchase"}
CONTEXT_ATTRIBUTE = "_shopper_context"


@dataclass(frozen=True)
class ShopperContext:
    unit: str = ""  # a shopper.Unit key ("u:<user id>", "v:<visitor id>"), or "" for nobody known
    # Oldest first, as the sequence model reads them; includes events still in the Redis buffer.
    recent_product_ids: tuple[int, ...] = ()
    recent_event_types: tuple[str, ...] = ()
    recent_timestamps: tuple[float, ...] = ()
    cart_product_ids: tuple[int, ...] = ()
    enabled: bool = True
    ranker: str | None = None  # an experiment's choice: "popularity", "model", "model_version:<id>"

    @property
    def has_history(self) -> bool:
        return bool(self.recent_product_ids)

    def history_for(self, model):
        """This shopper's recent products as `model`'s History (products it does not know dropped)."""
        return model.history_from_ids(
            list(self.recent_product_ids),
            list(self.recent_event_types) or None,
            list(self.recent_timestamps) or None,
        )

    @property
    def history_key(self) -> str:
        """Changes whenever the shopper does something new, so cached scores are never stale."""
        digest = hashlib.blake2s(repr(self.recent_product_ids[-HISTORY_LENGTH:]).encode(), digest_size=8)
        return f"{self.unit}:{digest.hexdigest()}"


def context_for_request(request: HttpRequest) -> ShopperContext:
    """Build (once per request) the context serving needs; never raises, never writes."""
    cached = getattr(request, CONTEXT_ATTRIBUTE, None)
    if cached is not None:
        return cached
    try:
        context = _build(request)
    except Exception:
        logger.exception("Personalization context failed; serving default order")
        context = ShopperContext(enabled=False)
    setattr(request, CONTEXT_ATTRIBUTE, context)
    return context


def _build(request: HttpRequest) -> ShopperContext:
    user = getattr(request, "user", None)
    signed_in = user is not None and user.is_authenticated
    enabled = settings.PERSONALIZATION_ENABLED and personalization_enabled(request)
    unit = unit_for_request(request)
    products, types, times = [], [], []
    if enabled and unit is not None:
        events = recent_events(
            visitor_id=visitor_id_of(request),
            user=user if signed_in else None,
            limit=HISTORY_LENGTH * 2,
            types=SEQUENCE_EVENTS,
        )
        for event in reversed(events):  # newest first -> oldest first
            if event.product_id and event.type in SEQUENCE_EVENTS:
                products.append(event.product_id)
                types.append(SEQUENCE_EVENTS[event.type])
                times.append(event.timestamp.timestamp())
    ranker = ranker_for_request(request) if enabled else None
    cart_ids: tuple[int, ...] = ()
    # Only a cart the page has already read: building the context adds no query for it.
    cart = request_cart_if_loaded(request)
    if cart is not None:
        cart_ids = tuple(cart.lines.values_list("product_id", flat=True))
    return ShopperContext(
        unit=unit.key if unit else "",
        recent_product_ids=tuple(products[-HISTORY_LENGTH:]),
        recent_event_types=tuple(types[-HISTORY_LENGTH:]),
        recent_timestamps=tuple(times[-HISTORY_LENGTH:]),
        cart_product_ids=cart_ids,
        enabled=enabled,
        ranker=ranker,
    )
