"""Product cards: the body rendered once per product state, and never stale."""

from decimal import Decimal

import pytest
from django.template.loader import render_to_string
from django.test import RequestFactory

from shop import product_cache
from shop.models import Product, ProductImage
from shop.templatetags import shop_tags
from tests.factories import make_product

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _fresh():
    product_cache.forget()
    shop_tags.forget_card_bodies()
    yield
    shop_tags.forget_card_bodies()


def card(product, position=1) -> str:
    request = RequestFactory().get("/")
    return render_to_string(
        "shop/includes/product_card.html", {"product": product, "position": position}, request=request
    )


def served(pk):
    (product,) = product_cache.listing_products([pk])
    return product


@pytest.fixture
def item(category, brand):
    product = make_product(category=category, brand=brand, name="Trail shoe", price="80.00", stock=3)
    ProductImage.objects.create(product=product, image="products/shoe.png", alt_text="A trail shoe")
    return product


def test_a_served_products_card_body_is_rendered_once_and_reads_as_a_fresh_render(item, monkeypatch):
    # given
    first = card(served(item.pk), position=1)
    calls = []
    original = shop_tags.render_to_string
    monkeypatch.setattr(shop_tags, "render_to_string", lambda *a, **k: calls.append(a) or original(*a, **k))
    # when
    again = card(served(item.pk), position=7)
    # then the body came from memory, the position from the page
    assert calls == []
    assert again == first.replace('data-position="1"', 'data-position="7"')
    assert again == card(Product.objects.get(pk=item.pk), position=7)  # the same as rendering it outright
    assert 'href="/p/' in again and "A trail shoe" in again and "$80.00" in again


def test_price_stock_and_name_changes_show_at_once(item):
    card(served(item.pk))
    # when
    Product.objects.filter(pk=item.pk).update(price=Decimal("60.00"), compare_at_price=Decimal("80.00"), stock=0)
    html = card(served(item.pk))
    # then
    assert "$60.00" in html and "-25%" in html and "Out of stock" in html
    # when
    renamed = Product.objects.get(pk=item.pk)
    renamed.name = "Trail shoe II"
    renamed.save()
    # then
    assert "Trail shoe II" in card(served(item.pk))


def test_a_new_picture_shows_at_once(item):
    card(served(item.pk))
    ProductImage.objects.filter(product=item).update(position=5)
    ProductImage.objects.create(product=item, image="products/shoe-front.png", alt_text="From the front", position=0)
    assert "From the front" in card(served(item.pk))


def test_products_from_elsewhere_are_rendered_every_time(item, monkeypatch):
    calls = []
    original = shop_tags.render_to_string
    monkeypatch.setattr(shop_tags, "render_to_string", lambda *a, **k: calls.append(a) or original(*a, **k))
    card(item)
    card(item)
    assert len(calls) == 2
