"""Error pages: JSON under /api/ whatever DEBUG says, the shop's own 404 and 500 pages elsewhere, in both languages."""

import pytest
from django.test import Client

pytestmark = pytest.mark.django_db

NOT_FOUND = {"error": {"code": "not_found", "message": "Not found."}}


@pytest.fixture(params=[False, True], ids=["debug-off", "debug-on"])
def debug(request, settings):
    settings.DEBUG = request.param
    return request.param


@pytest.mark.parametrize("path", ["/api/nothing", "/api/v1/nothing-here", "/api/v1/products/no-such-product"])
def test_a_404_under_api_is_the_json_error_shape(client, debug, path):
    response = client.get(path)
    assert response.status_code == 404
    assert response["Content-Type"].startswith("application/json"), f"DEBUG={debug}: {response['Content-Type']}"
    assert response.json()["error"]["code"] == "not_found"


def test_an_unmatched_api_url_says_not_found_in_the_api_shape(client, debug):
    assert client.get("/api/v1/nothing-here").json() == NOT_FOUND


def test_api_answers_that_are_not_404_pass_untouched(client, debug):
    response = client.get("/api/v1/brands")
    assert response.status_code == 200 and isinstance(response.json(), dict | list)


def test_the_site_404_is_the_shops_own_page(client, settings):
    settings.DEBUG = False
    response = client.get("/no-such-page/")
    html = response.content.decode()
    assert response.status_code == 404
    assert 'data-error="404"' in html and "couldn't find that page" in html
    assert 'class="site-header"' in html, "the 404 page keeps the shop's header and navigation"


def test_the_site_404_speaks_chinese_under_its_prefix(client, settings):
    settings.DEBUG = False
    response = client.get("/zh-hans/no-such-page/")
    assert response.status_code == 404
    assert "找不到这个页面" in response.content.decode()


@pytest.mark.urls("tests.config.error_urls")
def test_the_site_500_is_the_shops_own_page_in_both_languages(settings):
    settings.DEBUG = False
    client = Client(raise_request_exception=False)

    english = client.get("/broken/")
    chinese = client.get("/zh-hans/broken/")

    assert english.status_code == chinese.status_code == 500
    assert 'data-error="500"' in english.content.decode()
    assert "Something went wrong on our side" in english.content.decode()
    assert "我们这边出了问题" in chinese.content.decode()
    assert '<html lang="zh-hans">' in chinese.content.decode()


@pytest.mark.urls("tests.config.error_urls")
def test_a_500_under_api_is_the_json_error_shape(settings):
    settings.DEBUG = False
    response = Client(raise_request_exception=False).get("/api/v1/broken")
    assert response.status_code == 500
    assert response.json()["error"]["code"] == "server_error"
