"""The click link of a shown ad: a signed, timestamped token naming the impression it belongs to.

The token is the only thing a click can be charged from, so the price and the campaign are
what the auction decided, never what a client claims; its impression id makes the charge idempotent.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from django.conf import settings
from django.core import signing

SALT = "personalization.ads.click"


@dataclass(frozen=True)
class ClickClaim:
    impression_id: uuid.UUID
    campaign_id: int
    product_id: int
    price: Decimal
    slot: str
    visitor_id: str  # who saw the ad


class BadClickToken(Exception):
    """Not a token this server signed."""


class ExpiredClickToken(Exception):
    """Signed here, but too old to be paid for; `claim` still says where it leads."""

    def __init__(self, claim: ClickClaim):
        super().__init__("expired click token")
        self.claim = claim


def click_token(claim: ClickClaim) -> str:
    payload = {
        "i": claim.impression_id.hex,
        "c": claim.campaign_id,
        "p": claim.product_id,
        "pr": str(claim.price),
        "s": claim.slot,
        "v": claim.visitor_id,
    }
    return signing.dumps(payload, salt=SALT, compress=True)


def _claim(payload) -> ClickClaim:
    try:
        return ClickClaim(
            impression_id=uuid.UUID(hex=payload["i"]),
            campaign_id=int(payload["c"]),
            product_id=int(payload["p"]),
            price=Decimal(payload["pr"]),
            slot=str(payload["s"]),
            visitor_id=str(payload.get("v") or "")[:64],
        )
    except (KeyError, TypeError, ValueError, InvalidOperation) as error:
        raise BadClickToken() from error


def claim_from_token(token: str) -> ClickClaim:
    try:
        return _claim(signing.loads(token, salt=SALT, max_age=settings.ADS_CLICK_MAX_AGE))
    except signing.SignatureExpired:
        raise ExpiredClickToken(_claim(signing.loads(token, salt=SALT))) from None
    except signing.BadSignature:
        raise BadClickToken() from None
