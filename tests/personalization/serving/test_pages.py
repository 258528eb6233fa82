"""Personalization seen through the real pages: middleware, views, template tags."""

import re

import pytest
from django.test import Client

pytestmark = pytest.mark.django_db
BROWSER = "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 Chrome/120 Safari/537.36"


def shopper_client() -> Client:
    return Client(HTTP_USER_AGENT=BROWSER)


def product_ids(html: str, list_marker: str = "") -> list[int]:
    section = html.split(list_marker, 1)[1] if list_marker else html
    return [int(pk) for pk in re.findall(r'<article class="product-card" data-product-id="(\d+)"', section)]


def test_two_visitors_see_the_same_category_in_different_orders(store):
    cameras = store["cameras"]
    category_url = cameras[0].category.get_absolute_url()
    first, second = shopper_client(), shopper_client()
    for product in cameras[:2]:
        assert first.get(product.get_absolute_url()).status_code == 200
    for product in cameras[3:5]:
        assert second.get(product.get_absolute_url()).status_code == 200

    first_order = product_ids(first.get(category_url).text)
    second_order = product_ids(second.get(category_url).text)

    assert sorted(first_order) == sorted(second_order) == sorted(p.pk for p in cameras)
    assert first_order != second_order


def test_a_new_visitor_sees_popularity_on_home(store):
    html = shopper_client().get("/").text
    assert 'data-slot="for_you"' in html
    assert 'data-ranker="popularity"' in html
    assert "Popular in" in html


def test_a_click_changes_for_you_on_the_next_page(store):
    client = shopper_client()
    client.get("/")
    before = product_ids(client.get("/").text, 'data-slot="for_you"')
    for product in store["shoes"][:3]:
        client.get(product.get_absolute_url())
    page = client.get("/").text
    after = product_ids(page, 'data-slot="for_you"')
    assert 'data-ranker="sasrec"' in page
    assert before != after
    assert f"Because you viewed {store['shoes'][2].name}" in page


def test_the_listing_impression_is_recorded_with_positions(store):
    from personalization.tracking.models import Event
    from personalization.tracking.services import events_flush

    client = shopper_client()
    html = client.get(store["cameras"][0].category.get_absolute_url()).text
    list_id = re.search(r'data-list-id="([^"]+)"', html).group(1)
    events_flush()
    impression = Event.objects.get(type="list_impression", context__list_id=list_id)
    assert impression.context["product_ids"] == product_ids(html)[: len(impression.context["product_ids"])]


def test_a_broken_model_still_renders_the_page(store, monkeypatch):
    from personalization.serving import ranking

    def explode(*args, **kwargs):
        raise RuntimeError("boom")

    monkeypatch.setattr(ranking, "_full_scores", explode)
    client = shopper_client()
    client.get(store["cameras"][0].get_absolute_url())
    for url in ("/", store["cameras"][0].category.get_absolute_url(), store["cameras"][1].get_absolute_url()):
        assert client.get(url).status_code == 200


def test_personalization_off_gives_the_default_order(store, settings):
    settings.PERSONALIZATION_ENABLED = False
    client = shopper_client()
    client.get(store["cameras"][0].get_absolute_url())
    html = client.get(store["cameras"][0].category.get_absolute_url()).text
    assert product_ids(html) == sorted((p.pk for p in store["cameras"]), reverse=True)
