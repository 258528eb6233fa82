"""The store in two languages: English unprefixed as before, Chinese under /zh-hans/, chosen by prefix,
Accept-Language on the first visit, or the switcher's remembered choice; the API follows Accept-Language."""

import re
from types import SimpleNamespace

import pytest
from django.conf import settings
from django.contrib.auth.models import AnonymousUser
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation

from tests.factories import make_product

pytestmark = pytest.mark.django_db


def test_chinese_home_page_is_in_chinese_with_its_lang(client, product):
    # when
    response = client.get("/zh-hans/")
    # then
    assert response.status_code == 200
    assert '<html lang="zh-hans">' in response.text
    assert "购物车" in response.text, "the header's cart link is translated"
    assert "搜索商品" in response.text
    assert "Search products" not in response.text


def test_english_pages_keep_their_urls_and_lang(client, product):
    # when
    response = client.get("/")
    # then
    assert response.status_code == 200
    assert '<html lang="en">' in response.text
    assert "Search products" in response.text
    assert reverse("shop:product", args=[product.slug]) == f"/p/{product.slug}/"


def test_reverse_under_chinese_gives_prefixed_urls(product):
    # when
    with translation.override("zh-hans"):
        url = reverse("shop:product", args=[product.slug])
    # then
    assert url == f"/zh-hans/p/{product.slug}/"


def test_first_visit_with_chinese_accept_language_is_redirected_to_the_chinese_page(client, product):
    # when
    response = client.get(f"/p/{product.slug}/?ref=mail", HTTP_ACCEPT_LANGUAGE="zh-CN,zh;q=0.9,en;q=0.5")
    # then
    assert response.status_code == 302
    assert response["Location"] == f"/zh-hans/p/{product.slug}/?ref=mail"
    assert "Accept-Language" in response["Vary"]


def test_english_accept_language_is_not_redirected(client, product):
    # when
    response = client.get("/", HTTP_ACCEPT_LANGUAGE="en-GB,en;q=0.8")
    # then
    assert response.status_code == 200


def test_unprefixed_paths_outside_the_pages_are_never_redirected(client):
    # when
    health = client.get("/healthz", HTTP_ACCEPT_LANGUAGE="zh-CN")
    api = client.get("/api/v1/categories", HTTP_ACCEPT_LANGUAGE="zh-CN")
    # then
    assert health.status_code == 200
    assert api.status_code == 200


def test_switcher_remembers_the_choice_and_comes_back_to_the_same_page(client, product):
    # given: the English product page's switcher offers the Chinese page as `next`
    page = client.get(f"/p/{product.slug}/")
    assert f'<input type="hidden" name="next" value="/zh-hans/p/{product.slug}/">' in page.text
    # when
    response = client.post(reverse("set_language"), {"language": "zh-hans", "next": f"/zh-hans/p/{product.slug}/"})
    # then
    assert response.status_code == 302
    assert response["Location"] == f"/zh-hans/p/{product.slug}/"
    assert client.cookies[settings.LANGUAGE_COOKIE_NAME].value == "zh-hans"
    # and the remembered choice leads an unprefixed visit to the Chinese page
    assert client.get("/").headers["Location"] == "/zh-hans/"


def test_switching_back_to_english_stays_on_english_urls(client, product):
    # given
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "zh-hans"
    page = client.get(f"/zh-hans/p/{product.slug}/")
    assert f'<input type="hidden" name="next" value="/p/{product.slug}/">' in page.text
    # when
    response = client.post(reverse("set_language"), {"language": "en", "next": f"/p/{product.slug}/"})
    # then
    assert response["Location"] == f"/p/{product.slug}/"
    assert client.get(f"/p/{product.slug}/", HTTP_ACCEPT_LANGUAGE="zh-CN").status_code == 200


def test_switcher_in_header_and_footer_posts_without_script(client, product):
    # when
    response = client.get("/")
    # then
    assert 'data-language-switcher="header"' in response.text
    assert 'data-language-switcher="footer"' in response.text
    assert response.text.count(f'action="{reverse("set_language")}"') == 3, "the header offers the other language"
    assert 'value="zh-hans" lang="zh-hans"' in response.text
    assert "简体中文" in response.text
    assert "onclick" not in response.text


def test_every_page_has_hreflang_alternates(client, product):
    # when
    response = client.get(f"/zh-hans/p/{product.slug}/")
    # then
    links = dict(re.findall(r'<link rel="alternate" hreflang="([^"]+)" href="([^"]+)">', response.text))
    assert links == {
        "en": f"http://testserver/p/{product.slug}/",
        "zh-hans": f"http://testserver/zh-hans/p/{product.slug}/",
        "x-default": f"http://testserver/p/{product.slug}/",
    }


def test_api_error_follows_accept_language(client):
    # when
    chinese = client.get("/api/v1/no-such-route", HTTP_ACCEPT_LANGUAGE="zh-hans")
    english = client.get("/api/v1/no-such-route")
    # then
    assert chinese.status_code == english.status_code == 404
    assert english.json()["error"]["message"] == "Not found."
    assert chinese.json()["error"]["message"] == "未找到。"


def test_api_validation_message_follows_accept_language(client):
    # when
    response = client.post("/api/v1/auth/register", {}, content_type="application/json", HTTP_ACCEPT_LANGUAGE="zh-hans")
    # then
    assert response.status_code == 400
    error = response.json()["error"]
    assert error["message"] == "请求中有无效的字段。"
    assert error["fields"]["username"] == ["该字段是必填项。"], "DRF's own messages come in its Chinese catalogue"


def test_prices_and_counts_are_written_as_the_language_writes_them(client, category, brand):
    # given
    product = make_product(name="Grand piano", category=category, brand=brand, price="12345.00", stock=3)
    # when
    english = client.get(f"/p/{product.slug}/")
    chinese = client.get(f"/zh-hans/p/{product.slug}/")
    # then
    assert "$12,345.00" in english.text
    assert "$12345.00" in chinese.text
    assert "仅剩 3 件" in chinese.text


def test_machine_read_numbers_are_never_grouped(client, category, brand, settings):
    # given: a product id past a thousand
    product = make_product(name="Many", category=category, brand=brand, price="10.00", stock=5, pk=123456)
    # when
    response = client.get(f"/p/{product.slug}/")
    # then
    assert 'data-product-id="123456"' in response.text
    assert 'name="product_id" value="123456"' in response.text


@pytest.mark.parametrize(("language", "words"), [("en", "Did you mean"), ("zh-hans", "你是不是要找")])
def test_did_you_mean_links_to_the_suggestion_in_both_languages(rf, language, words):
    # given
    request = rf.get("/search/", {"q": "camra"})
    request.user = AnonymousUser()
    search = SimpleNamespace(did_you_mean="red camera", corrected=False, partial=False)
    filters = SimpleNamespace(brands=(), price_min=None, price_max=None, in_stock=False)
    # when
    with translation.override(language):
        html = render_to_string(
            "shop/search.html",
            {"query": "camra", "search": search, "result_count": 0, "filters": filters},
            request=request,
        )
    # then
    assert words in html
    assert "?q=red%20camera" in html
