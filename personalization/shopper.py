"""Who the shopper is: the one owner of the unit (user or visitor), its key, and the device.

Serving, training, experiments, offers and ads all address a shopper by a unit: the signed-in
user when there is one, else the visitor id. Its key, "u:<user id>" or "v:<visitor id>", is
stored in exposures, hashed into experiment buckets and used in cache keys, so it is made here
and nowhere else.

The visitor id comes from a signed cookie (or the app's header). `VisitorIdMiddleware` reads and
unsigns it once per request and leaves the result on the request (`visitor_id`, and
`visitor_returning` when the request carried a valid id); everything else asks this module.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Literal

from django.http import HttpRequest

USER_PREFIX = "u:"
VISITOR_PREFIX = "v:"

MOBILE_USER_AGENT = re.compile(r"Mobi|Android|iPhone|iPod|iPad|Windows Phone|Opera Mini", re.IGNORECASE)


@dataclass(frozen=True)
class Unit:
    """Whom serving, training and experiments address: a user when there is one, else a visitor."""

    kind: Literal["user", "visitor"]
    id: str

    @classmethod
    def for_user(cls, user_id: int | str) -> Unit:
        return cls("user", str(user_id))

    @classmethod
    def for_visitor(cls, visitor_id: str) -> Unit:
        return cls("visitor", visitor_id)

    @property
    def key(self) -> str:
        """ "u:<user id>" or "v:<visitor id>": what exposures store and experiment buckets hash."""
        return (USER_PREFIX if self.kind == "user" else VISITOR_PREFIX) + self.id

    @property
    def is_user(self) -> bool:
        return self.kind == "user"


def unit_for(*, user_id: int | None = None, visitor_id: str | None = None) -> Unit | None:
    """The user if there is one, else the visitor, else nobody."""
    if user_id is not None:
        return Unit.for_user(user_id)
    if visitor_id:
        return Unit.for_visitor(visitor_id)
    return None


def user_id_of(request: HttpRequest) -> int | None:
    """The signed-in user's id (for the API: the token's user), else None."""
    user = getattr(request, "user", None)
    return user.pk if user is not None and user.is_authenticated else None


def visitor_id_of(request: HttpRequest) -> str | None:
    """The visitor id this request goes by: the one it carried, or the one issued to it now."""
    return getattr(request, "visitor_id", None) or None


def is_returning(request: HttpRequest) -> bool:
    """Signed in, or the request carried a valid visitor id: this shopper was here before."""
    return user_id_of(request) is not None or bool(getattr(request, "visitor_returning", False))


def unit_for_request(request: HttpRequest) -> Unit | None:
    return unit_for(user_id=user_id_of(request), visitor_id=visitor_id_of(request))


def device_for_user_agent(user_agent: str) -> str:
    return "mobile" if MOBILE_USER_AGENT.search(user_agent or "") else "desktop"


def device_of(request: HttpRequest) -> str:
    """ "mobile" or "desktop", from the User-Agent: what experiments target and exposures record."""
    return device_for_user_agent(request.META.get("HTTP_USER_AGENT", ""))
