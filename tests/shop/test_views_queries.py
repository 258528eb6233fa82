"""Hot pages make a bounded number of queries, whatever the number of products."""

import re

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from shop import product_cache
from shop.models import ProductImage
from shop.selectors import brands_for_listing, product_list
from tests.factories import make_brand, make_product

pytestmark = pytest.mark.django_db


def stock_catalog(category, brand, count):
    for _ in range(count):
        item = make_product(category=category, brand=brand, compare_at_price="99.00")
        ProductImage.objects.create(product=item, image="products/x.png", alt_text="x")


def queries_for(client, url, *, warm: bool = False) -> int:
    """Queries of one request; cold: with an empty cache and no listing products kept by this process."""
    if not warm:
        cache.clear()
        product_cache.forget()
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200
    return len(captured)


def add_all_to_cart(client):
    from shop.models import Product

    for pk in Product.objects.values_list("pk", flat=True):
        client.post(reverse("shop:cart_add"), {"product_id": pk, "quantity": "1"})


@pytest.mark.parametrize(
    ("url_name", "max_queries"),
    # Includes the personalization slots: champion lookups, candidates, rules; per list of cards one light
    # query, and when this process does not have them yet, the products and their images. Search adds the
    # index's match for the listing and for its brand facet (2), and cold, once per catalogue version, the
    # catalogue's words, synonyms and learned intents (3). The brand facet is two: the listing counted by
    # brand, then those brands by key.
    [("home", 15), ("category", 16), ("search", 17)],
)
def test_listing_pages_query_count_does_not_grow_with_products(client, category, brand, url_name, max_queries):
    # given
    urls = {
        "home": reverse("shop:home"),
        "category": reverse("shop:category", kwargs={"slug": category.slug}),
        "search": reverse("shop:search") + "?q=product",
    }
    stock_catalog(category, brand, 5)
    few = queries_for(client, urls[url_name])
    few_warm = queries_for(client, urls[url_name], warm=True)
    # when
    stock_catalog(category, brand, 25)
    many = queries_for(client, urls[url_name])
    many_warm = queries_for(client, urls[url_name], warm=True)
    # then
    # Cold, a list whose products another list of the page already fetched needs only its light query.
    assert few <= max_queries and many <= max_queries
    assert many_warm == few_warm
    assert many_warm < many


def test_product_page_query_count_is_bounded(client, category, brand):
    # given
    stock_catalog(category, brand, 30)
    item = make_product(category=category, brand=brand)
    ProductImage.objects.create(product=item, image="products/a.png")
    ProductImage.objects.create(product=item, image="products/b.png")
    # when
    cold = queries_for(client, item.get_absolute_url())
    warm = queries_for(client, item.get_absolute_url(), warm=True)
    # then
    # 6 for the page itself; the rest: the product-layout experiment, the sponsored slot
    # (nothing to show for a bot-like test client) and four recommendation slots, each with one
    # light query, and cold, the products this process does not have yet with their images.
    assert cold <= 16
    assert warm < cold


def test_cart_page_query_count_does_not_grow_with_lines(client, category, brand):
    # given
    stock_catalog(category, brand, 5)
    add_all_to_cart(client)
    few = queries_for(client, reverse("shop:cart"))
    # when
    stock_catalog(category, brand, 25)
    add_all_to_cart(client)
    many = queries_for(client, reverse("shop:cart"))
    # then
    assert many == few
    # The page, its applied vouchers, the advertised codes, the coupon offer banner and the
    # "complete your order" slot: the cart items' types, and cold, the complement graph's version and
    # what the cart's products were ordered with (issue 19).
    assert many <= 16


def test_the_brand_facet_reads_the_listing_once(category, brand):
    # given a category of two brands' products, and another category's product of a third brand
    other = make_brand(name="Other")
    for maker, count in ((brand, 3), (other, 2)):
        for _ in range(count):
            make_product(category=category, brand=maker)
    make_product(brand=make_brand(name="Elsewhere"))
    listing = product_list(category=category)
    # when
    with CaptureQueriesContext(connection) as captured:
        brands = brands_for_listing(products=listing)
    # then each brand of the listing is counted, by name, and the products are read once, not joined back
    assert [(b.name, b.product_count) for b in brands] == sorted([(brand.name, 3), ("Other", 2)])
    reads = sum(len(re.findall(r'(?:FROM|JOIN) "shop_product"', query["sql"])) for query in captured)
    assert reads == 1, [query["sql"] for query in captured]
