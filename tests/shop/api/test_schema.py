import re

import pytest
from django.core.management import call_command

pytestmark = pytest.mark.django_db

SHOP_TAGS = {"catalog", "cart", "checkout", "orders", "account", "staff"}


@pytest.fixture(scope="module")
def schema(django_db_blocker):
    from drf_spectacular.generators import SchemaGenerator

    with django_db_blocker.unblock():
        return SchemaGenerator().get_schema(request=None, public=True)


def shop_operations(schema):
    for path, item in schema["paths"].items():
        for method, operation in item.items():
            if SHOP_TAGS & set(operation.get("tags", [])):
                yield f"{method.upper()} {path}", operation


def test_schema_validates_without_warnings(tmp_path):
    call_command("spectacular", "--validate", "--fail-on-warn", "--file", str(tmp_path / "schema.yaml"))


def test_schema_is_served(anon_client):
    response = anon_client.get("/api/schema/", {"format": "json"})

    assert response.status_code == 200
    assert response.json()["openapi"].startswith("3.")


def test_swagger_ui_loads_every_asset_locally(anon_client):
    html = anon_client.get("/api/docs/").content.decode()

    assets = re.findall(r'(?:src|href)="([^"]+)"', html)
    assert assets
    # The sidecar's files, and the setup script the docs view serves itself (no inline script under the CSP).
    assert all(asset.startswith(("/static/drf_spectacular_sidecar/", "/api/docs/?script")) for asset in assets), assets


def test_redoc_loads_its_script_locally(anon_client):
    html = anon_client.get("/api/redoc/").content.decode()

    # drf-spectacular's ReDoc page links Google Fonts for looks; the script itself comes from the sidecar.
    scripts = re.findall(r'<script[^>]+src="([^"]+)"', html)
    assert scripts == ["/static/drf_spectacular_sidecar/redoc/bundles/redoc.standalone.js"]


def test_every_shop_operation_has_examples_and_documented_errors(schema):
    operations = dict(shop_operations(schema))
    assert len(operations) >= 20

    for name, operation in operations.items():
        responses = operation["responses"]
        success = [code for code in responses if code.startswith("2")]
        assert success, name
        for code in success:
            if "content" in responses[code]:
                assert responses[code]["content"]["application/json"].get("examples"), f"{name} {code} has no example"
        errors = {code for code in responses if code[0] in "45"}
        assert {"401", "429"} <= errors, name
        for code in errors:
            ref = responses[code]["content"]["application/json"]["schema"]["$ref"]
            assert ref == "#/components/schemas/Error", f"{name} {code}"
        if "requestBody" in operation:
            assert operation["requestBody"]["content"]["application/json"].get("examples"), f"{name} request"


def test_error_component_reflects_the_error_shape(schema):
    error = schema["components"]["schemas"]["Error"]
    detail = schema["components"]["schemas"]["ErrorDetail"]

    assert error["required"] == ["error"]
    assert set(detail["properties"]) == {"code", "message", "fields"}
    assert detail["required"] == ["code", "message"]


def test_placing_an_order_documents_the_idempotency_key(schema):
    parameters = schema["paths"]["/api/v1/orders"]["post"]["parameters"]

    [key] = [p for p in parameters if p["name"] == "Idempotency-Key"]
    assert (key["in"], key["required"], key["schema"]["maxLength"]) == ("header", True, 64)


def test_token_auth_scheme_is_documented(schema):
    token = schema["components"]["securitySchemes"]["tokenAuth"]
    assert (token["type"], token["in"], token["name"]) == ("apiKey", "header", "Authorization")
    assert {"tokenAuth": []} in schema["paths"]["/api/v1/cart"]["get"]["security"]


def test_products_document_their_rating(schema):
    for name in ("ProductSummary", "ProductDetail"):
        properties = schema["components"]["schemas"][name]["properties"]
        assert properties["rating_average"]["nullable"] is True, name
        assert properties["rating_count"]["type"] == "integer", name
