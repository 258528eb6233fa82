"""The Content-Security-Policy: enforced on every HTML page, and nothing in the templates that it would block."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from django.conf import settings
from django.urls import reverse

from shop.models import ProductImage
from tests.factories import make_category, make_product, make_user

TEMPLATES = Path(settings.BASE_DIR) / "templates"
SCRIPT_TAG = re.compile(r"<script\b[^>]*>", re.IGNORECASE)
EVENT_HANDLER = re.compile(r"""\son[a-z]+\s*=\s*["']""", re.IGNORECASE)
STYLE_ATTRIBUTE = re.compile(r"""\sstyle\s*=\s*["']""", re.IGNORECASE)
STYLE_ELEMENT = re.compile(r"<style\b", re.IGNORECASE)


def blocked_inline(html: str) -> list[str]:
    """What of this HTML an enforced policy without 'unsafe-inline' would block."""
    # JSON and JSON-LD blocks are data, never run, so a policy does not block them.
    data_types = ("application/json", "application/ld+json")
    found = [tag for tag in SCRIPT_TAG.findall(html) if "src=" not in tag and not any(t in tag for t in data_types)]
    found += EVENT_HANDLER.findall(html) + STYLE_ATTRIBUTE.findall(html) + STYLE_ELEMENT.findall(html)
    return found


def policy_of(response) -> dict[str, list[str]]:
    assert "Content-Security-Policy" in response, f"{response.request['PATH_INFO']} has no Content-Security-Policy"
    directives = (part.split() for part in response["Content-Security-Policy"].split(";") if part.strip())
    return {name: values for name, *values in directives}


@pytest.fixture
def catalog(db):
    category = make_category(name="Cameras")
    product = make_product(name="Lumix G9", category=category, stock=5)
    ProductImage.objects.create(product=product, image="products/lumix-g9.png", alt_text="Lumix G9")
    return {"category": category, "product": product}


@pytest.fixture
def staff_client(client, db):
    client.force_login(make_user(username="stella", is_staff=True, is_superuser=True))
    return client


def shopper_pages(catalog) -> dict[str, str]:
    return {
        "home": reverse("shop:home"),
        "category": reverse("shop:category", kwargs={"slug": catalog["category"].slug}),
        "product": reverse("shop:product", kwargs={"slug": catalog["product"].slug}),
        "search": reverse("shop:search") + "?q=lumix",
        "cart": reverse("shop:cart"),
        "checkout": reverse("shop:checkout"),
        "login": reverse("shop:login"),
        "signup": reverse("shop:signup"),
        "admin login": reverse("admin:login"),
    }


def test_every_shopper_page_enforces_a_policy_without_inline_scripts(client, catalog):
    client.post(reverse("shop:cart_add"), {"product_id": catalog["product"].pk, "quantity": 1})

    for name, path in shopper_pages(catalog).items():
        response = client.get(path)
        assert response.status_code == 200, f"{name} answered {response.status_code}"
        policy = policy_of(response)
        assert "Content-Security-Policy-Report-Only" not in response, f"{name}: the policy must be enforced"
        assert policy["script-src"] == ["'self'"], f"{name}: scripts only from the shop's own files"
        assert policy["style-src"] == ["'self'"], f"{name}: styles only from the shop's own files"
        assert policy["object-src"] == ["'none'"]
        assert policy["base-uri"] == ["'self'"]
        assert policy["frame-ancestors"] == ["'none'"]
        assert not blocked_inline(response.text), f"{name} renders {blocked_inline(response.text)}"


def test_staff_pages_enforce_the_policy(staff_client, catalog):
    pages = {
        "admin index": reverse("admin:index"),
        "admin products": reverse("admin:shop_product_changelist"),
        "admin product": reverse("admin:shop_product_change", args=[catalog["product"].pk]),
        "experiments": reverse("experiments:index"),
    }

    for name, path in pages.items():
        response = staff_client.get(path)
        assert response.status_code == 200, f"{name} answered {response.status_code}"
        assert policy_of(response)["script-src"] == ["'self'"], name
        assert not blocked_inline(response.text), f"{name} renders {blocked_inline(response.text)}"


@pytest.mark.parametrize("name", ["api-docs", "api-redoc"])
def test_api_docs_allow_inline_styles_but_no_inline_scripts(client, db, name):
    response = client.get(reverse(name))

    assert response.status_code == 200
    policy = policy_of(response)
    assert policy["script-src"] == ["'self'"]
    assert "'unsafe-inline'" in policy["style-src"], "Swagger UI and ReDoc style their pages inline"
    inline_scripts = [tag for tag in SCRIPT_TAG.findall(response.text) if "src=" not in tag]
    assert not inline_scripts, f"{name} renders inline scripts: {inline_scripts}"


def test_swagger_ui_loads_its_setup_script_from_the_docs_url(client, db):
    response = client.get(reverse("api-docs") + "?script=")

    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/javascript")
    assert reverse("api-schema") in response.text


@pytest.mark.parametrize("template", sorted(TEMPLATES.rglob("*.html")), ids=lambda p: str(p.relative_to(TEMPLATES)))
def test_template_has_nothing_inline_that_the_policy_blocks(template):
    blocked = blocked_inline(template.read_text())

    assert not blocked, (
        f"{blocked}: scripts go to static/js/ (data in json_script, handlers with addEventListener), "
        "styles to static/css/"
    )
