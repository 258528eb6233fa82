"""Catalog pages: home, category, product, search."""

import re

import pytest
from django.core.paginator import Paginator
from django.urls import reverse

from tests.factories import make_brand, make_category, make_product

pytestmark = pytest.mark.django_db


def test_home_shows_newest_products_and_category_tiles(client, product):
    # when
    response = client.get(reverse("shop:home"))
    # then
    assert response.status_code == 200
    assert product.name in response.text
    assert f'href="{product.category.get_absolute_url()}"' in response.text


def test_home_product_cards_carry_product_id_list_id_and_position(client, product):
    # when
    response = client.get(reverse("shop:home"))
    # then
    assert f'data-product-id="{product.pk}"' in response.text
    assert re.search(r'data-list-id="[0-9a-f]{16}"', response.text), "the personalized list carries its list id"
    assert 'data-position="1"' in response.text


def test_home_lists_sale_products_with_discount(client, sale_product):
    # given: newer arrivals fill "Picked for you" and the new arrivals above (a product shows once per page)
    for _ in range(16):
        make_product(category=sale_product.category, brand=sale_product.brand)
    # when
    response = client.get(reverse("shop:home"))
    # then
    assert 'id="on-sale"' in response.text
    assert "-25%" in response.text
    assert "$100.00" in response.text


def test_home_offers_no_deals_when_every_sale_product_is_sold_out(client, sale_product):
    # given: newer arrivals fill the rows above, and every sale product is sold out
    for _ in range(16):
        make_product(category=sale_product.category, brand=sale_product.brand)
    sale_product.stock = 0
    sale_product.save(update_fields=["stock"])
    # when
    response = client.get(reverse("shop:home"))
    # then: no button leads to a section that is not there
    assert 'id="on-sale"' not in response.text
    assert 'href="#on-sale"' not in response.text, "the hero offers deals that are all sold out"


def test_home_offers_the_deals_while_one_is_in_stock(client, sale_product):
    for _ in range(16):
        make_product(category=sale_product.category, brand=sale_product.brand)
    response = client.get(reverse("shop:home"))
    assert 'href="#on-sale"' in response.text and 'id="on-sale"' in response.text


def test_header_shows_top_level_categories(client, category):
    # given
    child = make_category(name="Mirrorless", parent=category)
    # when
    response = client.get(reverse("shop:home"))
    # then
    nav = response.text.split('class="category-nav"')[1].split("</nav>")[0]
    assert category.name in nav
    assert child.name not in nav


def test_product_card_marks_out_of_stock(client, category):
    # given a sold-out product: listings keep it (after what can be bought), personalized lists drop it
    make_product(name="Sold out lens", category=category, stock=0)
    # when
    listing = client.get(reverse("shop:category", kwargs={"slug": category.slug}))
    home = client.get(reverse("shop:home"))
    # then
    assert "Out of stock" in listing.text
    assert "Sold out lens" not in home.text


def test_category_page_lists_its_products_and_subcategory_products(client, category, product):
    # given
    child = make_category(name="Mirrorless", parent=category)
    in_child = make_product(name="Tiny mirrorless", category=child)
    elsewhere = make_product(name="Garden hose")
    # when
    response = client.get(reverse("shop:category", kwargs={"slug": category.slug}))
    # then
    assert response.status_code == 200
    assert product.name in response.text
    assert in_child.name in response.text
    assert elsewhere.name not in response.text
    assert f'href="{child.get_absolute_url()}"' in response.text


def test_category_page_shows_breadcrumbs(client, category):
    # given
    child = make_category(name="Mirrorless", parent=category)
    # when
    response = client.get(reverse("shop:category", kwargs={"slug": child.slug}))
    # then
    crumbs = response.text.split('class="breadcrumbs"')[1].split("</nav>")[0]
    assert f'href="{category.get_absolute_url()}"' in crumbs
    assert 'aria-current="page">Mirrorless' in crumbs


def test_unknown_category_is_404(client, db):
    # when
    response = client.get(reverse("shop:category", kwargs={"slug": "no-such-category"}))
    # then
    assert response.status_code == 404


def test_category_filters_by_price(client, category):
    # given
    cheap = make_product(name="Cheap strap", category=category, price="5.00")
    dear = make_product(name="Dear lens", category=category, price="900.00")
    # when
    response = client.get(reverse("shop:category", kwargs={"slug": category.slug}), {"price_max": "100"})
    # then
    assert cheap.name in response.text
    assert dear.name not in response.text


def test_category_filters_by_brand_and_counts_brands(client, category):
    # given
    sony, canon = make_brand(name="Sony"), make_brand(name="Canon")
    make_product(name="Sony A7", category=category, brand=sony)
    make_product(name="Sony A9", category=category, brand=sony)
    make_product(name="Canon R5", category=category, brand=canon)
    # when
    response = client.get(reverse("shop:category", kwargs={"slug": category.slug}), {"brand": sony.slug})
    # then
    assert "Sony A7" in response.text
    assert "Canon R5" not in response.text
    assert 'Sony <span class="count">(2)</span>' in response.text
    assert 'Canon <span class="count">(1)</span>' in response.text


def test_category_in_stock_filter_hides_sold_out_products(client, category):
    # given
    make_product(name="Sold out lens", category=category, stock=0)
    # when
    response = client.get(reverse("shop:category", kwargs={"slug": category.slug}), {"in_stock": "1"})
    # then
    assert "Sold out lens" not in response.text


def test_category_sorts_by_price(client, category):
    # given
    make_product(name="Middle item", category=category, price="50.00")
    make_product(name="Cheap item", category=category, price="5.00")
    make_product(name="Dear item", category=category, price="500.00")
    # when
    response = client.get(reverse("shop:category", kwargs={"slug": category.slug}), {"sort": "price_asc"})
    # then
    names = [product.name for product in response.context["products"]]
    assert names == ["Cheap item", "Middle item", "Dear item"]


@pytest.mark.parametrize(
    "params",
    [
        {"price_min": "abc"},
        {"price_min": "-5"},
        {"price_min": "NaN"},
        {"price_min": "100", "price_max": "1"},
        {"sort": "drop table"},
        {"page": "abc"},
        {"page": "-1"},
        {"page": "999999"},
        {"brand": "no-such-brand"},
    ],
)
def test_category_bad_parameters_never_fail(client, category, product, params):
    # when
    response = client.get(reverse("shop:category", kwargs={"slug": category.slug}), params)
    # then
    assert response.status_code == 200


def test_category_shows_filter_errors(client, category):
    # when
    response = client.get(reverse("shop:category", kwargs={"slug": category.slug}), {"price_min": "abc"})
    # then
    assert "Price min must be a number." in response.text


def test_category_paginates_and_keeps_filters_in_page_links(client, category, settings):
    # given
    settings.SHOP_PAGE_SIZE = 2
    for n in range(5):
        make_product(name=f"Item {n}", category=category)
    # when
    response = client.get(reverse("shop:category", kwargs={"slug": category.slug}), {"sort": "name", "page": "2"})
    # then
    assert [p.name for p in response.context["products"]] == ["Item 2", "Item 3"]
    assert "?sort=name&amp;page=3" in response.text


def test_category_page_past_the_end_shows_the_last_page(client, category, settings):
    # given
    settings.SHOP_PAGE_SIZE = 2
    for n in range(3):
        make_product(name=f"Item {n}", category=category)
    # when
    response = client.get(reverse("shop:category", kwargs={"slug": category.slug}), {"page": "50"})
    # then
    assert response.context["page_obj"].number == 2


def test_listing_positions_continue_across_pages(client, category, settings):
    # given
    settings.SHOP_PAGE_SIZE = 2
    for n in range(3):
        make_product(name=f"Item {n}", category=category)
    # when
    response = client.get(reverse("shop:category", kwargs={"slug": category.slug}), {"page": "2"})
    # then
    assert 'data-position="3"' in response.text


def test_product_page_shows_price_stock_and_attributes(client, category, brand):
    # given
    item = make_product(
        name="Lumix G9",
        category=category,
        brand=brand,
        price="1299.5",
        stock=3,
        attributes={"colour": "black", "sizes": ["S", "M"]},
        description="A fast camera.",
    )
    # when
    response = client.get(item.get_absolute_url())
    # then
    assert response.status_code == 200
    assert "$1,299.50" in response.text
    assert "Only 3 left in stock" in response.text
    assert '<th scope="row">Colour</th><td>black</td>' in response.text
    assert "S, M" in response.text
    assert "A fast camera." in response.text
    assert f'action="{reverse("shop:cart_add")}"' in response.text


def test_product_page_of_sold_out_product_has_no_add_to_cart(client, category):
    # given
    item = make_product(name="Sold out lens", category=category, stock=0)
    # when
    response = client.get(item.get_absolute_url())
    # then
    assert "Out of stock" in response.text
    assert "Add to cart" not in response.text


def test_inactive_product_is_404(client, category):
    # given
    item = make_product(category=category, is_active=False)
    # when
    response = client.get(item.get_absolute_url())
    # then
    assert response.status_code == 404


def test_unknown_product_is_404(client, db):
    # when
    response = client.get(reverse("shop:product", kwargs={"slug": "nope"}))
    # then
    assert response.status_code == 404


def test_search_finds_products_by_name(client, product):
    # given
    make_product(name="Garden hose")
    # when
    response = client.get(reverse("shop:search"), {"q": "lumix"})
    # then
    assert response.status_code == 200
    assert product.name in response.text
    assert "Garden hose" not in response.text
    assert "1 product" in response.text


def test_search_finds_products_by_brand(client, category):
    # given
    sony = make_brand(name="Sony")
    make_product(name="Alpha body", category=category, brand=sony)
    make_product(name="Other body", category=category)
    # when
    response = client.get(reverse("shop:search"), {"q": "Sony"})
    # then
    assert {p.name for p in response.context["products"]} == {"Alpha body"}


def test_search_without_results_says_so(client, product):
    # when
    response = client.get(reverse("shop:search"), {"q": "submarine"})
    # then
    assert "No results for “submarine”" in response.text


def test_search_with_empty_query_asks_for_a_query(client, product):
    # when
    response = client.get(reverse("shop:search"), {"q": "   "})
    # then
    assert response.status_code == 200
    assert "Type what you are looking for" in response.text
    assert product.name not in response.text


def test_search_keeps_filters_and_query_together(client, category):
    # given
    make_product(name="Cheap camera", category=category, price="5.00")
    make_product(name="Dear camera", category=category, price="900.00")
    # when
    response = client.get(reverse("shop:search"), {"q": "camera", "price_max": "10", "sort": "bogus"})
    # then
    assert {p.name for p in response.context["products"]} == {"Cheap camera"}
    assert "Unknown sort order" in response.text
    assert 'name="q" value="camera"' in response.text


def test_a_long_category_links_the_pages_near_this_one_without_walking_every_page(
    client, category, settings, monkeypatch
):
    # given a category of 40 pages, whose every page number the page must not go through
    settings.SHOP_PAGE_SIZE = 1
    for n in range(40):
        make_product(name=f"Item {n:02d}", category=category)
    monkeypatch.setattr(Paginator, "page_range", property(lambda self: pytest.fail("every page was walked")))
    # when page 20 is shown
    response = client.get(reverse("shop:category", kwargs={"slug": category.slug}), {"sort": "name", "page": "20"})
    # then it links the first and last pages and two on each side of it, with gaps between
    links = re.findall(r'href="\?sort=name&amp;page=(\d+)"', response.text)
    assert sorted({int(n) for n in links}) == [1, 18, 19, 21, 22, 40]
    assert response.text.count("pagination__gap") == 2
    assert '<span aria-current="page">20</span>' in response.text
