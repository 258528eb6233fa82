"""The network address of the client, the one place that reads it.

Behind TRUSTED_PROXY_COUNT reverse proxies, each proxy appends the address it saw to
X-Forwarded-For, so the entry that many places from the right is the one the outermost
trusted proxy saw; everything left of it was written by the client and can be anything.
With no trusted proxy (the default) the header is ignored and REMOTE_ADDR is the client.
"""

from __future__ import annotations

import ipaddress

from django.conf import settings
from django.http import HttpRequest


def client_address(request: HttpRequest) -> str:
    remote_address = request.META.get("REMOTE_ADDR", "")
    proxies = settings.TRUSTED_PROXY_COUNT
    if proxies <= 0:
        return remote_address
    forwarded = [part.strip() for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")]
    forwarded = [part for part in forwarded if part]
    if not forwarded:
        return remote_address
    # Fewer entries than proxies: the request came through fewer of them; the leftmost is still a proxy's.
    candidate = forwarded[-min(proxies, len(forwarded))]
    try:
        return str(ipaddress.ip_address(candidate))
    except ValueError:  # a proxy that writes ports or names is misconfigured; never trust a malformed entry
        return remote_address
