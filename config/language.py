"""Which language a request is answered in: Django's LocaleMiddleware, plus two things it leaves out.

With `i18n_patterns(prefix_default_language=False)` English pages keep their unprefixed URLs, and
Django then answers every unprefixed URL in English, whatever the browser asks for. So:

- A page asked for without a prefix by a browser that prefers another language (its remembered
  choice, the language cookie that `set_language` writes, or else its Accept-Language) is
  redirected to the same page in that language. Once the shopper picks English with the switcher,
  the cookie says so and the English URLs stay English.
- The API (never prefixed) answers in the language the client asks for, so its error messages
  follow Accept-Language; so does the admin (never prefixed either), so staff who read Chinese
  get the Chinese admin.
"""

from __future__ import annotations

from django.conf import settings
from django.conf.urls.i18n import is_language_prefix_patterns_used
from django.http import HttpRequest, HttpResponseRedirect
from django.middleware.locale import LocaleMiddleware
from django.urls import translate_url
from django.utils import translation
from django.utils.cache import patch_vary_headers

from config.api_errors import API_PREFIX

SAFE_METHODS = ("GET", "HEAD")
ADMIN_PREFIX = "/admin/"  # config/urls.py


class PreferredLanguageMiddleware(LocaleMiddleware):
    def process_request(self, request: HttpRequest):
        super().process_request(request)
        if translation.get_language_from_path(request.path_info):
            return None
        preferred = translation.get_language_from_request(request, check_path=False)
        if request.path_info.startswith((API_PREFIX, ADMIN_PREFIX)):
            translation.activate(preferred)
            request.LANGUAGE_CODE = translation.get_language()
            return None
        if preferred == settings.LANGUAGE_CODE or request.method not in SAFE_METHODS:
            return None
        urlconf = getattr(request, "urlconf", settings.ROOT_URLCONF)
        if not is_language_prefix_patterns_used(urlconf)[0]:
            return None
        # translate_url leaves a URL outside i18n_patterns (admin, static, media, healthz) as it is.
        target = translate_url(request.get_full_path(), preferred)
        if target == request.get_full_path():
            return None
        response = HttpResponseRedirect(target)
        patch_vary_headers(response, ("Accept-Language", "Cookie"))
        return response
