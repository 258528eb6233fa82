"""Named audiences an experiment can target, each a cheap test of the request (no queries)."""

from __future__ import annotations

from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest

from personalization.tracking.identity import VISITOR_HEADER


def _signed_in(request: HttpRequest) -> bool:
    user = getattr(request, "user", None)
    return bool(user is not None and user.is_authenticated)


SEGMENTS: dict[str, Callable[[HttpRequest], bool]] = {
    "signed_in": _signed_in,
    "anonymous": lambda request: not _signed_in(request),
    "app": lambda request: VISITOR_HEADER in request.META,
    # One per language the shop speaks ("language_en", "language_zh-hans"): the language of the page shown.
    **{
        f"language_{code}": (lambda request, code=code: getattr(request, "LANGUAGE_CODE", "") == code)
        for code, _name in settings.LANGUAGES
    },
}


def segments_of(request: HttpRequest) -> frozenset[str]:
    return frozenset(name for name, test in SEGMENTS.items() if test(request))
