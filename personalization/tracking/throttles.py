"""Rate limits per shopper (signed-in user or visitor id) and per address, for the endpoints a visitor's
own client calls: the event endpoint ("events" rate in REST_FRAMEWORK) and others built on the same two."""

from __future__ import annotations

from personalization.tracking.policy import keyed_hash
from shop.api.throttling import AtomicRateThrottle


class ShopperThrottle(AtomicRateThrottle):
    """Counts per signed-in user, else per visitor id; `key` names the counter (the rate is `scope`'s)."""

    key = ""

    def get_cache_key(self, request, view):
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            ident = f"u{user.pk}"
        else:
            visitor_id = getattr(request._request, "visitor_id", None)
            if not visitor_id:
                return None  # nobody to count; the address throttle still applies
            ident = f"v{visitor_id}"
        return self.cache_format % {"scope": self.key, "ident": ident}


class AddressThrottle(AtomicRateThrottle):
    """Counts by a keyed hash of the address, never the address itself."""

    key = ""

    def get_cache_key(self, request, view):
        return self.cache_format % {"scope": self.key, "ident": keyed_hash(self.get_ident(request))}


class VisitorEventsThrottle(ShopperThrottle):
    scope, key = "events", "events-visitor"


class AddressEventsThrottle(AddressThrottle):
    scope, key = "events", "events-address"
