"""The assistant's rate limit ("assistant" in REST_FRAMEWORK's rates): per signed-in user or visitor id,
and per address (keyed hash), so one client cannot make the shop think for everyone."""

from __future__ import annotations

from personalization.tracking.policy import keyed_hash
from shop.api.throttling import AtomicRateThrottle


class AssistantVisitorThrottle(AtomicRateThrottle):
    scope = "assistant"

    def get_cache_key(self, request, view):
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            ident = f"u{user.pk}"
        else:
            visitor_id = getattr(request._request, "visitor_id", None)
            if not visitor_id:
                return None  # the address throttle still applies
            ident = f"v{visitor_id}"
        return self.cache_format % {"scope": "assistant-visitor", "ident": ident}


class AssistantAddressThrottle(AtomicRateThrottle):
    scope = "assistant-address"

    def get_cache_key(self, request, view):
        return self.cache_format % {"scope": "assistant-address", "ident": keyed_hash(self.get_ident(request))}
