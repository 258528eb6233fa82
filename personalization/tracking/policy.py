"""Whether a request may be recorded: privacy signals, the shopper's own switch, consent, bots.

The answer is a frozen value with the reason, so templates (no script, no banner)
and tests can say why nothing was recorded.
"""

from __future__ import annotations

import hashlib
import hmac
import re
import time
from dataclasses import dataclass

from django.conf import settings
from django.core.cache import cache
from django.http import HttpRequest

from personalization.shopper import Unit, user_id_of
from shop.client_address import client_address

CONSENT_COOKIE = "tracking_consent"
CONSENT_HEADER = "HTTP_X_TRACKING_CONSENT"
OPT_OUT_COOKIE = "personalization_off"
CONSENT_GRANTED = "granted"
CONSENT_DENIED = "denied"
PREFERENCE_CACHE_SECONDS = 300

# Substrings of user agents that announce an automated client; an empty user agent counts too.
BOT_USER_AGENT = re.compile(
    r"bot|crawl|spider|slurp|scrap|archiver|facebookexternalhit|embedly|preview|headless|phantomjs|"
    r"lighthouse|pagespeed|pingdom|uptime|monitor|python-requests|python-urllib|aiohttp|httpx|curl/|wget/|"
    r"go-http-client|java/|libwww|apache-httpclient|node-fetch|axios/",
    re.IGNORECASE,
)


@dataclass(frozen=True)
class Decision:
    allowed: bool
    reason: str  # "ok", "dnt", "gpc", "opted_out", "no_consent", "bot"

    def __bool__(self) -> bool:
        return self.allowed


ALLOWED = Decision(True, "ok")


def is_bot_user_agent(user_agent: str) -> bool:
    return not user_agent.strip() or bool(BOT_USER_AGENT.search(user_agent))


def consent_state(request: HttpRequest) -> str:
    """ "granted", "denied" or "" (not asked yet); the app sends a header, browsers keep a cookie."""
    value = request.META.get(CONSENT_HEADER) or request.COOKIES.get(CONSENT_COOKIE, "")
    return value if value in (CONSENT_GRANTED, CONSENT_DENIED) else ""


def consent_missing(request: HttpRequest) -> bool:
    return settings.PERSONALIZATION_REQUIRE_CONSENT and consent_state(request) != CONSENT_GRANTED


def preference_cache_key(user_id: int) -> str:
    return f"tracking:pref:{user_id}"


def user_enabled_personalization(user_id: int) -> bool:
    from personalization.tracking.models import PersonalizationPreference

    key = preference_cache_key(user_id)
    enabled = cache.get(key)
    if enabled is None:
        enabled = not PersonalizationPreference.objects.filter(user_id=user_id, enabled=False).exists()
        cache.set(key, enabled, PREFERENCE_CACHE_SECONDS)
    return enabled


def personalization_enabled(request: HttpRequest) -> bool:
    if request.COOKIES.get(OPT_OUT_COOKIE) == "1":
        return False
    user_id = user_id_of(request)
    return user_id is None or user_enabled_personalization(user_id)


def decide(request: HttpRequest) -> Decision:
    """Everything that can be known before the view runs; the rate heuristic comes later."""
    if request.META.get("HTTP_DNT") == "1":
        return Decision(False, "dnt")
    if request.META.get("HTTP_SEC_GPC") == "1":
        return Decision(False, "gpc")
    if consent_missing(request):
        return Decision(False, "no_consent")
    if is_bot_user_agent(request.META.get("HTTP_USER_AGENT", "")):
        return Decision(False, "bot")
    if not personalization_enabled(request):
        return Decision(False, "opted_out")
    return ALLOWED


def keyed_hash(value: str) -> str:
    """Enough to count requests from one address, never the address itself."""
    return hmac.new(settings.SECRET_KEY.encode(), value.encode(), hashlib.sha256).hexdigest()[:24]


def address_hash(request: HttpRequest) -> str:
    return keyed_hash(client_address(request))


def too_many_page_views(request: HttpRequest, *, visitor_id: str | None) -> bool:
    """Counts this page view; true once one visitor (or address, for cookieless clients) passes the limit."""
    ident = Unit.for_visitor(visitor_id).key if visitor_id else f"a:{address_hash(request)}"
    key = f"tracking:rate:{ident}:{int(time.time() // 60)}"
    try:
        count = cache.incr(key)
    except ValueError:  # first view of this minute: one cache call in the common case, two here
        cache.add(key, 1, timeout=120)
        return False
    return count > settings.TRACKING_BOT_PAGE_VIEWS_PER_MINUTE
