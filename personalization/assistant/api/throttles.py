"""The assistant's rate limit ("assistant" in REST_FRAMEWORK's rates): per signed-in user or visitor id,
and per address (keyed hash), so one client cannot make the shop think for everyone."""

from __future__ import annotations

from personalization.tracking.throttles import AddressThrottle, ShopperThrottle


class AssistantVisitorThrottle(ShopperThrottle):
    scope, key = "assistant", "assistant-visitor"


class AssistantAddressThrottle(AddressThrottle):
    scope, key = "assistant-address", "assistant-address"
