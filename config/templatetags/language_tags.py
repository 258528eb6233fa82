"""The current page in every language the shop speaks: for the switcher and the hreflang alternates."""

from __future__ import annotations

from dataclasses import dataclass

from django import template
from django.conf import settings
from django.urls import translate_url
from django.utils.translation import get_language, get_language_info

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
        path = translate_url(here, code)
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
