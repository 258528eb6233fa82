import json

import pytest
from django.http import Http404
from rest_framework.throttling import SimpleRateThrottle

from config.api_errors import flatten_fields

pytestmark = pytest.mark.django_db


def test_nested_errors_flatten_to_dotted_paths():
    detail = {
        "address": {"city": ["Required."], "non_field_errors": ["Bad address."]},
        "brand": {0: ["Too long."]},
        "lines": [{}, {"quantity": ["Too many."]}],
        "non_field_errors": ["Nope."],
    }

    assert flatten_fields(detail) == {
        "address.city": ["Required."],
        "address": ["Bad address."],
        "brand.0": ["Too long."],
        "lines.1.quantity": ["Too many."],
        "non_field_errors": ["Nope."],
    }


def test_malformed_json_is_a_parse_error(api_client):
    response = api_client.generic("POST", "/api/v1/cart/lines", "{not json", content_type="application/json")

    assert response.status_code == 400
    assert response.json()["error"]["code"] == "parse_error"


def test_body_that_is_not_an_object_is_a_validation_error(api_client):
    response = api_client.post("/api/v1/cart/lines", [1, 2], format="json")

    assert response.status_code == 400
    assert "non_field_errors" in response.json()["error"]["fields"]


def test_unsupported_media_type_is_415(api_client):
    response = api_client.generic("POST", "/api/v1/cart/lines", "product_id=1", content_type="text/plain")

    assert response.status_code == 415
    assert response.json()["error"]["code"] == "unsupported_media_type"


def test_wrong_method_is_405(api_client):
    response = api_client.put("/api/v1/cart", {}, format="json")

    assert response.status_code == 405
    assert response.json()["error"] == {"code": "method_not_allowed", "message": 'Method "PUT" not allowed.'}


def test_throttled_clients_get_429_with_retry_after(anon_client, monkeypatch):
    monkeypatch.setattr(SimpleRateThrottle, "THROTTLE_RATES", {**SimpleRateThrottle.THROTTLE_RATES, "anon": "1/minute"})

    anon_client.get("/api/v1/brands")
    response = anon_client.get("/api/v1/brands")

    assert response.status_code == 429
    assert response.json()["error"]["code"] == "throttled"
    assert int(response["Retry-After"]) > 0


def test_signed_in_clients_are_throttled_per_user(api_client, other_client, monkeypatch):
    monkeypatch.setattr(SimpleRateThrottle, "THROTTLE_RATES", {**SimpleRateThrottle.THROTTLE_RATES, "user": "1/minute"})

    api_client.get("/api/v1/me")

    assert api_client.get("/api/v1/me").status_code == 429
    assert other_client.get("/api/v1/me").status_code == 200


def test_cors_allows_configured_origins_only(anon_client, settings):
    settings.CORS_ALLOWED_ORIGINS = ["https://app.example.com"]

    allowed = anon_client.get("/api/v1/brands", HTTP_ORIGIN="https://app.example.com")
    other = anon_client.get("/api/v1/brands", HTTP_ORIGIN="https://evil.example.com")

    assert allowed["Access-Control-Allow-Origin"] == "https://app.example.com"
    assert "Access-Control-Allow-Origin" not in other


def test_unmatched_api_urls_can_get_the_json_shape(rf):
    from config.api_errors import json_not_found, json_server_error

    not_found = json_not_found(rf.get("/api/v1/nothing-here"))
    server_error = json_server_error(rf.get("/api/v1/products"))

    assert not_found.status_code == 404
    assert json.loads(not_found.content) == {"error": {"code": "not_found", "message": "Not found."}}
    assert server_error.status_code == 500
    assert json.loads(server_error.content)["error"]["code"] == "server_error"


def test_site_pages_keep_djangos_error_pages(rf):
    from config.api_errors import json_not_found

    response = json_not_found(rf.get("/p/nothing-here/"), Http404())

    assert response["Content-Type"].startswith("text/html")
