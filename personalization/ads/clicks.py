"""The click link of a shown ad: a signed, timestamped token naming the impression it belongs to.

The token is the only thing a click can be charged from, so the price and the campaign are
what the auction decided, never what a client claims; its impression id makes the charge idempotent.
It also names who the ad was shown to (the visitor id, or the keyed hash of the client address
when the shopper has no id), so a link replayed by anyone else is never charged.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from django.conf import settings
from django.core import signing
from django.http import HttpRequest

from personalization.tracking.policy import is_bot_user_agent, keyed_hash
from shop.client_address import client_address

SALT = "personalization.ads.click"


@dataclass(frozen=True)
class ClickClaim:
    impression_id: uuid.UUID
    campaign_id: int
    product_id: int
    price: Decimal
    slot: str
    visitor_id: str  # who saw the ad
    address_hash: str = ""  # where it was seen, kept only when the visitor had no id


@dataclass(frozen=True)
class Clicker:
    """Who sent a click, as the request tells it."""

    visitor_id: str  # "" when the request has none
    address_hash: str
    bot: bool = False
    recordable: bool = True  # False: their visitor id is compared, never stored

    def saw(self, claim: ClickClaim) -> bool:
        """Whether this is the shopper the ad was shown to."""
        if claim.visitor_id:
            return self.visitor_id == claim.visitor_id
        return bool(claim.address_hash) and self.address_hash == claim.address_hash


def request_address_hash(request: HttpRequest) -> str:
    return keyed_hash(client_address(request))


def clicker_from_request(request: HttpRequest) -> Clicker:
    from personalization.tracking.capture import recording_allowed

    decision = getattr(request, "tracking", None)
    return Clicker(
        visitor_id=getattr(request, "visitor_id", None) or "",
        address_hash=request_address_hash(request),
        bot=getattr(decision, "reason", "") == "bot" or is_bot_user_agent(request.META.get("HTTP_USER_AGENT", "")),
        recordable=recording_allowed(request),
    )


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
    if claim.address_hash and not claim.visitor_id:
        payload["a"] = claim.address_hash
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
            address_hash=str(payload.get("a") or "")[:64],
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
