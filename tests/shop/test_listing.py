"""One listing flow for the pages and the API (shop.listing): the ranker orders, then hears what was shown."""

import pytest
from django.urls import reverse
from rest_framework.test import APIClient

from shop.listing import ListingRanker, RankedListing, listing_ranker
from tests.factories import make_product

pytestmark = pytest.mark.django_db

RECORDING_RANKER = "tests.shop.test_listing.ReversingRanker"


class ReversingRanker(ListingRanker):
    """Shows a listing backwards and remembers what it was told."""

    calls: list = []

    def rank(self, *, request, products, surface):
        ranked = list(reversed(list(products)))
        self.calls.append(("rank", surface))
        return RankedListing(products=ranked, list_id=f"reversed-{surface}", surface=surface, ranker="reversing")

    def listing_shown(self, *, request, listing, shown, offset):
        self.calls.append(("shown", listing.list_id, [p.slug for p in shown], offset))


@pytest.fixture
def shelf(category, brand, settings):
    """Five products, newest last; pages of two."""
    settings.SHOP_PAGE_SIZE = 2
    ReversingRanker.calls = []
    return [make_product(name=f"Lens {n}", slug=f"lens-{n}", category=category, brand=brand) for n in range(5)]


def page_slugs(response) -> list[str]:
    return [product.slug for product in response.context["products"]]


def test_the_configured_ranker_orders_a_category_page_and_hears_which_page_was_shown(client, shelf, settings):
    settings.SHOP_LISTING_RANKER = RECORDING_RANKER

    response = client.get(shelf[0].category.get_absolute_url(), {"page": 2})

    # catalogue order is newest first; reversed, page 2 holds the third and fourth newest-last products
    assert page_slugs(response) == ["lens-2", "lens-3"]
    assert response.context["list_id"] == "reversed-category"
    assert ReversingRanker.calls == [("rank", "category"), ("shown", "reversed-category", ["lens-2", "lens-3"], 2)]


def test_the_api_listing_goes_through_the_same_flow(shelf, settings):
    settings.SHOP_LISTING_RANKER = RECORDING_RANKER

    response = APIClient().get("/api/v1/products", {"ordering": "personalized", "page": 2, "page_size": 2})

    body = response.json()
    assert [item["slug"] for item in body["results"]] == ["lens-2", "lens-3"]
    assert (body["list_id"], body["count"]) == ("reversed-category", 5)
    assert ReversingRanker.calls == [("rank", "category"), ("shown", "reversed-category", ["lens-2", "lens-3"], 2)]


def test_a_search_is_ranked_as_the_search_surface(client, shelf, settings):
    settings.SHOP_LISTING_RANKER = RECORDING_RANKER

    client.get(reverse("shop:search"), {"q": "lens"})
    APIClient().get("/api/v1/products", {"q": "lens", "ordering": "personalized"})

    assert [call[:2] for call in ReversingRanker.calls if call[0] == "rank"] == [("rank", "search")] * 2


def test_an_order_the_shopper_chose_is_not_ranked(client, shelf, settings):
    settings.SHOP_LISTING_RANKER = RECORDING_RANKER

    response = client.get(shelf[0].category.get_absolute_url(), {"sort": "name"})
    api = APIClient().get("/api/v1/products", {"ordering": "name", "page_size": 2}).json()

    assert page_slugs(response) == ["lens-0", "lens-1"]
    assert [item["slug"] for item in api["results"]] == ["lens-0", "lens-1"]
    assert (response.context["list_id"], api["list_id"]) == ("category", "category")
    assert ReversingRanker.calls == []


def test_without_a_ranker_listings_keep_the_catalogue_order(client, shelf, settings):
    del settings.SHOP_LISTING_RANKER

    response = client.get(shelf[0].category.get_absolute_url())

    assert type(listing_ranker()) is ListingRanker
    assert page_slugs(response) == ["lens-4", "lens-3"]
    assert response.context["list_id"] == "category"


def test_a_category_head_is_read_in_order_from_its_own_index_on_postgresql():
    # given a category listing's head as ranking reads it (at 1M products the planner walked the whole
    # catalogue's created_at index, 4.2 ms, to avoid sorting the category by id)
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    if connection.vendor != "postgresql":
        pytest.skip("the index and its plan are PostgreSQL's")
    from personalization.serving.ranking import _LISTING_COLUMNS, LISTING_CANDIDATES, _untranslated
    from shop.models import Category, Product

    product = make_product()
    category = Category.objects.get(pk=product.category_id)
    with CaptureQueriesContext(connection) as captured:
        listing = Product.objects.filter(category=category, is_active=True)
        list(_untranslated(listing).values_list(*_LISTING_COLUMNS)[: LISTING_CANDIDATES + 1])
    [statement] = captured.captured_queries
    # when the planner would rather not scan or sort (a small table would otherwise be scanned whole and sorted)
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute("SET LOCAL enable_sort = off")
        cursor.execute(f"EXPLAIN {statement['sql']}")
        plan = "\n".join(row[0] for row in cursor.fetchall())
    # then the category's own index gives the listing's order as it stands
    assert "using shop_product_category_head" in plan and "Sort" not in plan, plan
