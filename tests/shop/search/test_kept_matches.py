"""A query's matches are kept until the catalogue moves: a repeated search reads no index, a saved product is found."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from shop.search.selectors import product_search_results
from shop.search.vocabulary import vocabulary_forget
from shop.selectors import ProductFilters, product_list
from tests.factories import make_category, make_product

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def lanterns():
    vocabulary_forget()
    lighting = make_category(name="Lighting", slug="lighting")
    for n in range(3):
        make_product(name=f"Paper Lantern {n}", category=lighting, price=10 + n)
    yield lighting
    vocabulary_forget()


def search(query: str, filters: ProductFilters | None = None) -> tuple[list[str], int]:
    """The names found, and how many statements read the search index (documents or their FTS tables)."""
    with CaptureQueriesContext(connection) as queries:
        results = product_search_results(query=query, products=product_list(filters=filters), sort_by_relevance=True)
        found = list(results.products.values_list("name", flat=True))
    reads = sum("searchdocument" in q["sql"] or "_fts" in q["sql"] for q in queries.captured_queries)
    return found, reads


def test_a_repeated_query_reads_no_index_until_a_product_is_saved(lanterns):
    # given a search made once
    first, reads = search("lantern")
    assert len(first) == 3 and reads >= 1
    # when it is made again, then its matches are the kept ones
    assert search("lantern") == (first, 0)
    # and when a product is saved (the catalogue version moves), then the next search finds it
    make_product(name="Brass Lantern", category=lanterns)
    found, reads = search("lantern")
    assert "Brass Lantern" in found and reads >= 1


def test_matches_are_kept_per_query_and_not_for_a_price_filter(lanterns):
    search("lantern")
    # another query, and the same query under a price filter (a price moves without the catalogue's version)
    assert search("paper lantern")[1] >= 1
    cheap = ProductFilters(price_max=Decimal("10.50"))
    found, reads = search("lantern", cheap)
    assert found == ["Paper Lantern 0"] and reads >= 1
    assert search("lantern", cheap)[1] >= 1


def test_keeping_matches_can_be_turned_off(lanterns, settings):
    settings.SHOP_SEARCH_KEEP_MATCHES = False
    search("lantern")
    assert search("lantern")[1] >= 1
