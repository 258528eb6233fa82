"""The current page in every language the shop speaks: for the switcher and the hreflang alternates."""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import urlsplit, urlunsplit

from django import template
from django.conf import settings
from django.http import HttpRequest
from django.urls import NoReverseMatch, reverse, translate_url
from django.utils.translation import get_language, get_language_info, override

register = template.Library()


@dataclass(frozen=True)
class PageLanguage:
    code: str
    name: str  # in its own language: a shopper who cannot read the current one still finds theirs
    path: str  # this page in that language, query string kept
    url: str  # the same, absolute (hreflang wants absolute URLs)
    current: bool


@register.simple_tag(takes_context=True)
def page_languages(context) -> list[PageLanguage]:
    request = context.get("request")
    if request is None:
        return []
    here = request.get_full_path()
    current = get_language()
    languages = []
    for code, _name in settings.LANGUAGES:
        path = _translated_path(request, here, code)
        languages.append(
            PageLanguage(
                code=code,
                name=get_language_info(code)["name_local"],
                path=path,
                url=request.build_absolute_uri(path),
                current=code == current,
            )
        )
    return languages


def _translated_path(request: HttpRequest, here: str, code: str) -> str:
    """`translate_url(here, code)`, reusing the request's own URL match instead of resolving the path again.

    Every page asked for this twice (once per language), and resolving the URL twice more was the
    tag's whole cost; pages without a named match (error pages) take translate_url's own way.
    """
    match = request.resolver_match
    if match is None or match.url_name is None or request.path != request.path_info:
        return translate_url(here, code)
    view_name = f"{match.namespace}:{match.url_name}" if match.namespace else match.url_name
    with override(code):
        try:
            path = reverse(view_name, args=match.args, kwargs=match.kwargs)
        except NoReverseMatch:
            return here
    parsed = urlsplit(here)
    return urlunsplit((parsed.scheme, parsed.netloc, path, parsed.query, parsed.fragment))
