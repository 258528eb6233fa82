"""A category's count and brand counts: read once per catalogue version, and right after every change."""

import dataclasses

import pytest
from django.core.paginator import Paginator
from django.urls import reverse

from shop.listing_counts import ListingPaginator, listing_count
from shop.models import Product
from shop.product_cache import stock_changed
from shop.selectors import ProductFilters, brands_for_listing, product_list
from tests.factories import make_brand, make_category, make_product, make_user

pytestmark = pytest.mark.django_db


def count_of(category, **filters) -> int:
    return listing_count(product_list(category=category, filters=ProductFilters(**filters)))


def brand_counts_of(category) -> dict[str, int]:
    return {brand.name: brand.product_count for brand in brands_for_listing(products=product_list(category=category))}


@pytest.fixture
def tents(category, brand):
    return [make_product(category=category, brand=brand) for _ in range(3)]


def test_a_category_is_counted_once_per_catalogue_version(tents, category, django_assert_num_queries):
    # given
    listing = product_list(category=category)
    assert listing_count(listing) == 3
    # when / then
    with django_assert_num_queries(0):
        assert listing_count(listing) == 3


def test_a_categorys_brand_counts_are_read_once_per_catalogue_version(tents, category, django_assert_num_queries):
    # given
    listing = product_list(category=category)
    brands_for_listing(products=listing)
    # when / then: the brands themselves are read by key, the counts come from the shared cache
    with django_assert_num_queries(1):
        assert [brand.product_count for brand in brands_for_listing(products=listing)] == [3]


def test_a_new_product_in_the_category_is_counted(tents, category, brand):
    assert count_of(category) == 3
    make_product(category=category, brand=brand)
    assert count_of(category) == 4


def test_a_deactivated_product_leaves_the_count_and_its_brands(tents, category):
    assert count_of(category) == 3 and brand_counts_of(category) == {"Lumix": 3}
    tents[0].is_active = False
    tents[0].save(update_fields=["is_active"])
    assert count_of(category) == 2
    assert brand_counts_of(category) == {"Lumix": 2}


def test_a_product_moved_to_another_category_moves_its_count(tents, category):
    other = make_category(name="Stoves")
    assert (count_of(category), count_of(other)) == (3, 0)
    tents[0].category = other
    tents[0].save(update_fields=["category"])
    assert (count_of(category), count_of(other)) == (2, 1)


def test_a_product_of_a_sub_category_counts_in_its_parent(tents, category, brand):
    assert count_of(category) == 3
    make_product(category=make_category(parent=category), brand=brand)
    assert count_of(category) == 4


def test_a_product_given_another_brand_moves_the_brand_counts(tents, category):
    assert brand_counts_of(category) == {"Lumix": 3}
    tents[0].brand = make_brand(name="Zeta")
    tents[0].save(update_fields=["brand"])
    assert brand_counts_of(category) == {"Lumix": 2, "Zeta": 1}


def test_a_renamed_brand_slug_is_filtered_by_its_new_slug(tents, category, brand):
    old_slug = brand.slug
    assert count_of(category, brands=(old_slug,)) == 3
    brand.slug = "lumix-cameras"
    brand.save(update_fields=["slug"])
    assert count_of(category, brands=(brand.slug,)) == 3
    assert count_of(category, brands=(old_slug,)) == 0


def test_an_order_that_sells_out_a_product_leaves_the_in_stock_count(tents, category):
    assert count_of(category, in_stock=True) == 3
    # what order_place does: stock taken with an update (no signal), then the stock version moves
    Product.objects.filter(pk=tents[0].pk).update(stock=0)
    stock_changed()
    assert count_of(category, in_stock=True) == 2
    assert count_of(category) == 3


def test_a_listing_filtered_by_price_is_counted_every_time(tents, category):
    assert count_of(category, price_max=20) == 3
    # a price script updates prices without a signal: the catalogue version does not move
    Product.objects.filter(pk=tents[0].pk).update(price=30)
    assert count_of(category, price_max=20) == 2


def test_a_listing_filtered_by_an_expression_is_counted_every_time(tents, category, django_assert_num_queries):
    from django.db.models import F

    on_sale = product_list(category=category).filter(compare_at_price__gt=F("price"))
    listing_count(on_sale)
    with django_assert_num_queries(1):
        listing_count(on_sale)


def test_the_listing_paginator_counts_a_queryset_through_the_kept_count(tents, category, django_assert_num_queries):
    # given
    listing = product_list(category=category)
    assert ListingPaginator(listing, 2).count == 3
    # when / then
    with django_assert_num_queries(0):
        assert ListingPaginator(listing, 2).num_pages == 2
    assert ListingPaginator(list(listing), 2).count == 3
    assert issubclass(ListingPaginator, Paginator)


def test_the_category_page_shows_the_count_after_a_product_is_added(client, tents, category, brand):
    # given
    url = category.get_absolute_url()
    assert client.get(url).context["result_count"] == 3
    # when
    make_product(category=category, brand=brand)
    # then
    response = client.get(url)
    assert response.context["result_count"] == 4
    assert [b.product_count for b in response.context["brands"]] == [4]


def test_filters_that_differ_are_kept_apart(tents, category, brand):
    filters = ProductFilters()
    assert count_of(category) == 3
    assert listing_count(product_list(category=category, filters=dataclasses.replace(filters, brands=("x",)))) == 0
    assert count_of(category, in_stock=True) == 3


def test_products_deactivated_and_activated_in_bulk_by_staff_leave_and_join_the_count(client, tents, category):
    # given
    client.force_login(make_user(username="merchant", is_staff=True, is_superuser=True))
    changelist = reverse("admin:shop_product_changelist")
    assert count_of(category) == 3
    # when: the admin's bulk actions update the rows without saving each product
    client.post(changelist, {"action": "deactivate", "_selected_action": [tents[0].pk, tents[1].pk]})
    # then
    assert count_of(category) == 1
    client.post(changelist, {"action": "activate", "_selected_action": [tents[0].pk]})
    assert count_of(category) == 2


def test_a_listing_of_no_ids_counts_nothing_and_has_no_brands(tents):
    # given a listing cut to an empty set of ids (a search that matched nothing, on SQLite)
    nothing = Product.objects.filter(is_active=True, pk__in=[])
    # when / then: the database is never asked, and nothing is kept
    assert listing_count(nothing) == 0
    assert brands_for_listing(products=nothing) == []
