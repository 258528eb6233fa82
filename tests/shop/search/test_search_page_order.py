"""The relevance order on PostgreSQL: the ranked ids joined in order, so a page reads its own products only."""

from __future__ import annotations

import pytest
from django.db import connection

from shop.search.selectors import product_search_results
from shop.search.vocabulary import vocabulary_forget
from shop.selectors import brands_for_listing, product_list
from tests.factories import make_brand, make_category, make_product

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def postgres_only():
    if connection.vendor != "postgresql":
        pytest.skip("the ordered join is PostgreSQL's; SQLite orders by position (set DATABASE_URL)")
    vocabulary_forget()
    yield
    vocabulary_forget()


@pytest.fixture
def lamps():
    lighting = make_category(name="Lighting", slug="lighting")
    lumen, ardent = make_brand(name="Lumen"), make_brand(name="Ardent")
    for n in range(30):
        make_product(name=f"Desk Lamp {n}", category=lighting, brand=lumen if n % 2 else ardent)
    make_product(name="Floor Lamp Retired", category=lighting, brand=lumen, is_active=False)


def search(query: str):
    return product_search_results(query=query, products=product_list(), sort_by_relevance=True)


def test_filters_counts_and_facets_apply_to_the_ordered_results(lamps):
    # given the relevance order of every lamp
    found = search("lamp").products
    ordered = list(found.values_list("name", flat=True))
    # then the active lamps are all there, once, and a narrowed listing keeps their order
    assert len(ordered) == len(set(ordered)) == 30 == found.count()
    assert list(found.filter(brand__name="Lumen").values_list("name", flat=True)) == [
        name for name in ordered if int(name.rsplit(" ", 1)[1]) % 2
    ]
    assert {brand.name: brand.product_count for brand in brands_for_listing(products=found)} == {
        "Lumen": 15,
        "Ardent": 15,
    }
    assert [p.name for p in found[10:13]] == ordered[10:13]


def test_a_page_does_not_sort_every_result(lamps):
    # when the first page of a frequent word's results is asked for
    page = search("lamp").products[:4]
    sql, params = page.query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_hashjoin = off")  # the plan of a large catalogue, on a tiny one
        cursor.execute(f"EXPLAIN {sql}", params)
        plan = "\n".join(row[0] for row in cursor.fetchall())
    # then PostgreSQL reads the products in the ranked order and stops at the page: no sort of all of them
    assert "Sort" not in plan, plan
