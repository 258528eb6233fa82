"""Listing products kept between requests: current after every kind of change, and one light query when kept."""

from decimal import Decimal

import pytest
from django.core.cache import cache

from shop import cache_versions, product_cache
from shop.models import Product, ProductImage
from tests.factories import make_product

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _nothing_kept():
    product_cache.forget()
    yield
    product_cache.forget()


@pytest.fixture
def shelf(category, brand):
    items = [make_product(category=category, brand=brand, name=f"Item {n}") for n in range(4)]
    for item in items:
        ProductImage.objects.create(product=item, image=f"products/{item.pk}.png", alt_text=item.name)
    return items


def names(products):
    return [p.name for p in products]


def test_kept_products_cost_one_light_query_and_come_in_the_order_asked(shelf, django_assert_num_queries):
    # given
    ids = [shelf[2].pk, shelf[0].pk, shelf[2].pk, shelf[3].pk]
    product_cache.listing_products(ids)
    # when
    with django_assert_num_queries(1):
        again = product_cache.listing_products(ids)
        # then cards need nothing more: brand, category and images came with them
        assert [p.primary_image().alt_text for p in again] == ["Item 2", "Item 0", "Item 3"]
        assert {p.brand.name for p in again} == {shelf[0].brand.name}
    assert names(again) == ["Item 2", "Item 0", "Item 3"]


def test_a_saved_product_is_fetched_again(shelf):
    product_cache.listing_products([shelf[0].pk])
    # when
    item = Product.objects.get(pk=shelf[0].pk)
    item.name = "Renamed"
    item.save()
    # then
    assert names(product_cache.listing_products([shelf[0].pk])) == ["Renamed"]


def test_stock_and_prices_changed_by_update_are_read_every_time(shelf, django_assert_num_queries):
    ids = [p.pk for p in shelf]
    product_cache.listing_products(ids)
    # when checkout-style updates change rows without signals or updated_at
    Product.objects.filter(pk=shelf[0].pk).update(stock=0)
    Product.objects.filter(pk=shelf[1].pk).update(price=Decimal("7.50"), compare_at_price=Decimal("9.00"))
    # then
    with django_assert_num_queries(1):
        everything = product_cache.listing_products(ids)
    assert everything[0].stock == 0 and not everything[0].in_stock
    assert (everything[1].price, everything[1].discount_percent) == (Decimal("7.50"), 17)
    assert names(product_cache.listing_products(ids, in_stock=True)) == ["Item 1", "Item 2", "Item 3"]


def test_deactivated_products_are_left_out(shelf):
    product_cache.listing_products([shelf[0].pk, shelf[1].pk])
    Product.objects.filter(pk=shelf[0].pk).update(is_active=False)
    assert names(product_cache.listing_products([shelf[0].pk, shelf[1].pk])) == ["Item 1"]


def test_new_images_and_renamed_brands_show_at_once(shelf, brand):
    product_cache.listing_products([shelf[0].pk])
    # when
    ProductImage.objects.filter(product=shelf[0]).delete()
    ProductImage.objects.create(product=shelf[0], image="products/new.png", alt_text="new photo", position=0)
    brand.name = "Renamed brand"
    brand.save()
    # then
    (item,) = product_cache.listing_products([shelf[0].pk])
    assert (item.primary_image().alt_text, item.brand.name) == ("new photo", "Renamed brand")


def test_a_cleared_cache_starts_a_new_catalogue_version(shelf, django_assert_num_queries):
    product_cache.listing_products([shelf[0].pk])
    before = product_cache.catalog_version()
    # when
    cache.clear()
    # then
    assert product_cache.catalog_version() != before
    with django_assert_num_queries(3):  # light, products, images
        product_cache.listing_products([shelf[0].pk])


def test_catalogue_version_moves_again_when_a_change_commits(shelf, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks() as callbacks:
        shelf[0].save()
        saved = product_cache.catalog_version()
    assert len(callbacks) == 1
    callbacks[0]()
    assert product_cache.catalog_version() != saved


def test_each_caller_gets_its_own_copies(shelf):
    (first,) = product_cache.listing_products([shelf[0].pk])
    # when a caller scribbles on what it got
    first.name = "scribbled"
    first.stock = 0
    first.reason = "mine"
    # then the next caller does not see it
    (second,) = product_cache.listing_products([shelf[0].pk])
    assert (second.name, second.stock, hasattr(second, "reason")) == ("Item 0", 10, False)


def test_only_the_most_recently_used_products_are_kept_within_the_bytes_allowed(
    shelf, monkeypatch, django_assert_num_queries
):
    # given room for about two products
    product_cache.listing_products([shelf[0].pk])
    one = product_cache._kept.bytes
    room = cache_versions.ProcessCache(max_bytes=2 * one + one // 2, sizeof=lambda kept: kept.size)
    monkeypatch.setattr(product_cache, "_kept", room)
    # when
    product_cache.listing_products([shelf[0].pk, shelf[1].pk])
    product_cache.listing_products([shelf[2].pk])  # drops shelf[0], the least recently used
    # then
    assert len(room) == 2 and room.bytes <= room.max_bytes
    with django_assert_num_queries(1):
        product_cache.listing_products([shelf[1].pk, shelf[2].pk])
    with django_assert_num_queries(3):
        product_cache.listing_products([shelf[0].pk])


def test_a_kept_products_bytes_count_its_pictures(shelf):
    def estimate():
        loaded = product_cache.with_listing_relations(Product.objects.filter(pk=shelf[0].pk)).get()
        return product_cache._estimated_bytes(loaded)

    one_picture = estimate()
    ProductImage.objects.create(product=shelf[0], image="products/another.png", alt_text="From another side")
    assert estimate() > one_picture > 1000


def test_listing_products_of_keeps_the_querysets_order_and_limit(shelf):
    by_name_desc = Product.objects.filter(is_active=True).order_by("-name")
    assert names(product_cache.listing_products_of(by_name_desc, limit=3)) == ["Item 3", "Item 2", "Item 1"]


def test_existing_ids_answer_from_kept_products_and_forget_deleted_ones(shelf, django_assert_num_queries):
    # given two kept products and one this process never read
    product_cache.listing_products([shelf[0].pk, shelf[1].pk])
    ids = {shelf[0].pk, shelf[1].pk, shelf[2].pk, 10_000}
    # then only the others are asked for
    with django_assert_num_queries(1):
        assert product_cache.existing_product_ids(ids) == {shelf[0].pk, shelf[1].pk, shelf[2].pk}
    with django_assert_num_queries(0):
        assert product_cache.existing_product_ids({shelf[0].pk}) == {shelf[0].pk}
    # when a kept product is deleted
    Product.objects.filter(pk=shelf[0].pk).delete()
    # then it is asked for again, and gone
    assert product_cache.existing_product_ids(ids) == {shelf[1].pk, shelf[2].pk}
