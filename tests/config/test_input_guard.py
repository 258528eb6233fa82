"""Input no view can store or parse safely (NUL characters, absurdly nested JSON) is refused with a 400 at the edge."""

import json

import pytest
from django.urls import reverse

from config.input_guard import MAX_JSON_DEPTH, json_depth

pytestmark = pytest.mark.django_db

NESTED = "[" * 1500 + "]" * 1500  # 3 KB of brackets: json.loads recurses past Python's limit


def assert_api_refusal(response, code: str) -> None:
    assert response.status_code == 400, response.content[:200]
    assert response["Content-Type"] == "application/json"
    assert response.json()["error"]["code"] == code


@pytest.mark.parametrize(
    "url",
    ["/search/?q=%00", "/search/?q=camera&brand=%00", "/search/?q=a%00b", "/search/?sort=%00"],
)
def test_page_query_with_nul_is_a_plain_400(client, url):
    # when
    response = client.get(url)
    # then
    assert response.status_code == 400
    assert response["Content-Type"].startswith("text/html")


def test_category_brand_filter_with_nul_is_a_400(client, category):
    # when
    response = client.get(reverse("shop:category", kwargs={"slug": category.slug}), {"brand": "\x00"})
    # then
    assert response.status_code == 400


def test_api_query_with_nul_is_a_json_400(client):
    # when
    response = client.get("/api/v1/products", {"q": "cam\x00era"})
    # then
    assert_api_refusal(response, "nul_character")


def test_form_field_with_nul_is_a_400_and_signs_no_one_up(client, django_user_model):
    # when
    response = client.post(
        reverse("shop:signup"),
        {"username": "mallory\x00", "email": "m@example.com", "password1": "x8!kd9Qa", "password2": "x8!kd9Qa"},
    )
    # then
    assert response.status_code == 400
    assert not django_user_model.objects.exists()


@pytest.mark.parametrize("path", ["/api/v1/auth/token", "/api/v1/events", "/api/v1/cart/lines"])
def test_deeply_nested_json_is_a_json_400(client, path):
    # when
    response = client.post(path, NESTED, content_type="application/json")
    # then
    assert_api_refusal(response, "too_deeply_nested")


def test_deeply_nested_beacon_body_is_a_json_400(client):
    # given: navigator.sendBeacon sends its JSON as text/plain
    body = "{" + '"a":{' * 2000 + "}" * 2001
    # when
    response = client.post("/api/v1/events", body, content_type="text/plain;charset=UTF-8")
    # then
    assert_api_refusal(response, "too_deeply_nested")


def test_json_nested_up_to_the_limit_reaches_the_view(client):
    # given: brackets inside strings do not count, escaped quotes do not end a string
    body = "[" * MAX_JSON_DEPTH + json.dumps('[[[{{{"\\' * 200) + "]" * MAX_JSON_DEPTH
    # when
    response = client.post("/api/v1/auth/token", body, content_type="application/json")
    # then: the view's own answer, not the edge's
    assert response.status_code == 400
    assert response.json()["error"]["code"] != "too_deeply_nested"


@pytest.mark.parametrize("text", ["a\x00b", "a\ud800"], ids=["nul", "lone-surrogate"])
@pytest.mark.parametrize(("path", "field"), [("/api/v1/auth/token", "username"), ("/api/v1/auth/register", "username")])
def test_json_text_no_database_stores_is_refused_by_the_field(client, path, field, text):
    # given: valid JSON whose string decodes to a NUL or an unpaired surrogate
    body = json.dumps({field: text, "password": "x", "quantity": 1})  # json.dumps writes them as \u0000 and \ud800
    # when
    response = client.post(path, body, content_type="application/json")
    # then: the serializer says which field, as for any invalid value
    assert response.status_code == 400
    assert field in response.json()["error"]["fields"]


@pytest.mark.parametrize("path", ["/api/v1/products/%00", "/api/v1/orders/A%00"])
def test_path_with_nul_is_a_json_400(client, path):
    # when
    response = client.get(path)
    # then
    assert_api_refusal(response, "nul_character")


def test_header_with_nul_is_a_400(client, user):
    # when
    response = client.get("/api/v1/me", HTTP_AUTHORIZATION="Token abc\x00def")
    # then
    assert_api_refusal(response, "nul_character")


def test_json_body_past_the_upload_limit_is_a_json_413(client, settings):
    # given
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1024
    # when
    response = client.post("/api/v1/cart/lines", json.dumps({"pad": "x" * 2048}), content_type="application/json")
    # then
    assert response.status_code == 413
    assert response.json()["error"]["code"] == "payload_too_large"


@pytest.mark.parametrize(
    ("body", "depth"),
    [
        (b"{}", 1),
        (b'{"a": [1, {"b": [2]}]}', 4),
        (b'["[[[[", "\\"[[[", {"k]]": "}}}"}]', 2),
        (b"[" * 50, 50),
        (b'"not a container"', 0),
    ],
)
def test_json_depth_counts_brackets_outside_strings(body, depth):
    assert json_depth(body) == depth
