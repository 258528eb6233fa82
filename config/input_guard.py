"""Input that no view can store or parse safely is refused at the edge, with a 400, before any view runs.

- NUL characters: PostgreSQL text cannot hold them, so any lookup by such a value fails (a 500).
  Refused in the path, headers (cookies, Authorization), query string and form fields. Inside JSON
  bodies the API's serializers refuse them field by field (DRF's CharField does; so does the event
  schema for free-form context), which tells an app which field was wrong.
- JSON nested deeper than MAX_JSON_DEPTH: Python's json module recurses once per level and raises
  RecursionError (a 500) from a body of a few kilobytes. The depth is counted over the raw bytes,
  without recursion, before any parser sees the body.
- JSON bodies larger than DATA_UPLOAD_MAX_MEMORY_SIZE (413): DRF's parsers read the whole stream
  and Django's own limit does not apply to it.

Numbers that overflow are left to whoever parses them (forms, serializers, ProductFilters): only
they know the range. API paths get the API's JSON error body, pages Django's 400 page.
"""

from __future__ import annotations

import re
from array import array
from collections.abc import Callable, Iterable
from itertools import accumulate

from django.core.exceptions import RequestDataTooBig
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.views import defaults

from config.api_errors import API_PREFIX, error_body

# The API's bodies nest a few levels (an event batch: four); the rest is room for what clients wrap around them.
MAX_JSON_DEPTH = 32
NUL = "\x00"

FORM_TYPES = ("application/x-www-form-urlencoded", "multipart/form-data")
_JSON_TYPE = re.compile(r"^(application/([\w.+-]*\+)?json|text/plain)\b", re.IGNORECASE)  # text/plain: sendBeacon
_STRING = re.compile(rb'"[^"\\]*(?:\\.[^"\\]*)*"', re.DOTALL)
_NOT_BRACKET = bytes(sorted(set(range(256)) - set(b"[]{}")))
_BRACKET_STEP = bytes.maketrans(b"[{]}", b"\x01\x01\xff\xff")  # as signed bytes: +1 opens, -1 closes


class Refusal(Exception):
    def __init__(self, code: str, message: str, status: int = 400):
        super().__init__(message)
        self.code, self.message, self.status = code, message, status


class InputGuardMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        try:
            check_request(request)
        except Refusal as refusal:
            return refused(request, refusal)
        return self.get_response(request)


def check_request(request: HttpRequest) -> None:
    if NUL in request.path or any(NUL in value for key, value in request.META.items() if key.startswith("HTTP_")):
        raise _nul()
    if _has_nul(request.GET.lists()):
        raise _nul()
    content_type = request.content_type or ""
    if request.method in ("GET", "HEAD", "OPTIONS"):
        return
    if content_type in FORM_TYPES:
        if _has_nul(request.POST.lists()):
            raise _nul()
    elif _JSON_TYPE.match(content_type):
        try:
            body = request.body
        except RequestDataTooBig:
            raise Refusal("payload_too_large", "The body is too large.", status=413) from None
        # Fewer brackets than the limit cannot nest past it: the common case costs two scans.
        if body.count(b"[") + body.count(b"{") > MAX_JSON_DEPTH and json_depth(body) > MAX_JSON_DEPTH:
            raise Refusal(
                "too_deeply_nested", f"The body nests arrays and objects deeper than {MAX_JSON_DEPTH} levels."
            )


def json_depth(body: bytes) -> int:
    """How deep arrays and objects nest in a JSON text (brackets inside strings do not count), without parsing it.

    Unclosed brackets count, as a parser recurses into them before it finds the text truncated.
    """
    brackets = _STRING.sub(b"", body).translate(None, _NOT_BRACKET)
    return max(accumulate(array("b", brackets.translate(_BRACKET_STEP))), default=0)


def _has_nul(lists: Iterable[tuple[str, list]]) -> bool:
    return any(NUL in key or any(NUL in value for value in values) for key, values in lists)


def _nul() -> Refusal:
    return Refusal("nul_character", "The request contains a NUL character (\\u0000), which no field accepts.")


def refused(request: HttpRequest, refusal: Refusal) -> HttpResponse:
    if request.path.startswith(API_PREFIX):
        return JsonResponse(error_body(refusal.code, refusal.message), status=refusal.status)
    if refusal.status == 400:
        return defaults.bad_request(request, refusal)
    return HttpResponse(refusal.message, status=refusal.status, content_type="text/plain; charset=utf-8")
