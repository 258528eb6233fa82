"""The shape of an event between the moment it is seen and the moment it is stored.

`TrackedEvent` is what the middleware, the receivers and the event API produce,
what the Redis buffer holds (as JSON) and what the flush turns into rows.
"""

from __future__ import annotations

import json
import re
import uuid
from dataclasses import asdict, dataclass, field
from datetime import datetime
from decimal import Decimal

from personalization.tracking.models import Event

T = Event.Type

# Facts the server records itself; a client claiming them is refused.
# Ad impressions and clicks are written by the ad server: they are what advertisers pay and are scored on.
SERVER_ONLY_TYPES = frozenset(
    {
        T.PURCHASE,
        T.ADD_TO_CART,
        T.REMOVE_FROM_CART,
        T.COUPON_APPLIED,
        T.COUPON_REDEEMED,
        T.AD_IMPRESSION,
        T.AD_CLICK,
        T.REVIEW_WRITTEN,
        T.REVIEW_VOTED,
        T.ASSISTANT_TURN,  # written by the assistant's service for the turn it answered
    }
)
CLIENT_TYPES = frozenset(T.values) - SERVER_ONLY_TYPES
# Types that mean nothing without the product they are about.
PRODUCT_TYPES = frozenset({T.PRODUCT_VIEW, T.LIST_IMPRESSION, T.LIST_CLICK, T.DWELL})

# What PostgreSQL text and jsonb cannot hold: NUL, and UTF-16 surrogates, which are not characters in UTF-8.
UNSTORABLE = re.compile(r"[\x00\ud800-\udfff]")


def unstorable_reason(text: str) -> str | None:
    """Why the database would refuse this text, or None when it can hold it."""
    found = UNSTORABLE.search(text)
    if found is None:
        return None
    if found.group() == "\x00":
        return "Must not contain NUL (\\u0000) characters."
    return "Must not contain unpaired surrogates (\\ud800-\\udfff)."


def storable(text: str) -> str:
    return UNSTORABLE.sub("", text)


@dataclass(frozen=True)
class TrackedEvent:
    uuid: str
    type: str
    timestamp: datetime
    recorded_at: datetime
    visitor_id: str = ""
    user_id: int | None = None
    session_key: str = ""
    product_id: int | None = None
    path: str = ""
    referrer: str = ""
    context: dict = field(default_factory=dict)
    value: Decimal | None = None

    def to_json(self) -> str:
        data = asdict(self)
        data["timestamp"] = self.timestamp.isoformat()
        data["recorded_at"] = self.recorded_at.isoformat()
        data["value"] = None if self.value is None else str(self.value)
        return json.dumps(data, separators=(",", ":"))

    @classmethod
    def from_json(cls, raw: str | bytes) -> TrackedEvent:
        data = json.loads(raw)
        data["timestamp"] = datetime.fromisoformat(data["timestamp"])
        data["recorded_at"] = datetime.fromisoformat(data["recorded_at"])
        data["value"] = None if data["value"] is None else Decimal(data["value"])
        return cls(**data)

    def to_row(self) -> Event:
        return Event(
            uuid=uuid.UUID(self.uuid),
            type=self.type,
            timestamp=self.timestamp,
            recorded_at=self.recorded_at,
            visitor_id=self.visitor_id,
            user_id=self.user_id,
            session_key=self.session_key,
            product_id=self.product_id,
            path=self.path,
            referrer=self.referrer,
            context=self.context,
            value=self.value,
        )
