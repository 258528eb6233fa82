"""page_languages reuses the request's URL match: the same paths as translate_url, without resolving again."""

import pytest
from django.test import RequestFactory
from django.urls import resolve, translate_url

from config.templatetags.language_tags import page_languages
from tests.factories import make_product

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("url", ["/", "/search/?q=tea&page=2", "/zh-hans/cart/", "/no-such-page/"])
def test_paths_are_translate_urls(url):
    # given
    make_product()
    request = RequestFactory().get(url)
    try:
        request.resolver_match = resolve(request.path_info)
    except Exception:  # a 404: no match, as on an error page
        request.resolver_match = None
    # when
    languages = page_languages({"request": request})
    # then
    assert [language.path for language in languages] == [
        translate_url(request.get_full_path(), language.code) for language in languages
    ]


def test_product_page_alternates_resolve_no_url_again(client, monkeypatch):
    # given
    product = make_product()
    calls = []
    monkeypatch.setattr("config.templatetags.language_tags.translate_url", lambda *a: calls.append(a) or a[0])
    # when
    response = client.get(f"/p/{product.slug}/")
    # then
    assert response.status_code == 200
    assert f'hreflang="zh-hans" href="http://testserver/zh-hans/p/{product.slug}/"' in response.text
    assert calls == []
