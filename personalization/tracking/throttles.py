"""Rate limits of the event endpoint, per visitor and per address (the "events" rate in REST_FRAMEWORK)."""

from __future__ import annotations

from personalization.tracking.policy import keyed_hash
from shop.api.throttling import AtomicRateThrottle


class VisitorEventsThrottle(AtomicRateThrottle):
    scope = "events"

    def get_cache_key(self, request, view):
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            ident = f"u{user.pk}"
        else:
            visitor_id = getattr(request._request, "visitor_id", None)
            if not visitor_id:
                return None  # nobody to count; the address throttle still applies
            ident = f"v{visitor_id}"
        return self.cache_format % {"scope": "events-visitor", "ident": ident}


class AddressEventsThrottle(AtomicRateThrottle):
    """Counts by a keyed hash of the address, never the address itself."""

    scope = "events"

    def get_cache_key(self, request, view):
        return self.cache_format % {"scope": "events-address", "ident": keyed_hash(self.get_ident(request))}
