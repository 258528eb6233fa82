"""``id__any_of``: a long list of ids as one array parameter on PostgreSQL, IN elsewhere."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from shop.models import Product
from tests.factories import make_product

pytestmark = pytest.mark.django_db


def test_any_of_filters_and_excludes_like_in():
    products = [make_product(name=f"Lamp {n}") for n in range(4)]
    wanted = [products[0].pk, products[2].pk, 10**12]
    chosen = Product.objects.filter(pk__any_of=wanted).order_by("pk")
    assert list(chosen) == list(Product.objects.filter(pk__in=wanted).order_by("pk"))
    left = Product.objects.filter(pk__in=[p.pk for p in products]).exclude(pk__any_of=wanted).order_by("pk")
    assert list(left) == [products[1], products[3]]


def test_an_empty_list_matches_nothing_and_excludes_nothing():
    product = make_product()
    assert not Product.objects.filter(pk__any_of=[]).exists()
    assert list(Product.objects.filter(pk=product.pk).exclude(pk__any_of=[])) == [product]


def test_a_long_list_is_one_array_on_postgresql():
    make_product()
    ids = list(range(1, 2001))
    with CaptureQueriesContext(connection) as queries:
        list(Product.objects.filter(pk__any_of=ids).values_list("pk", flat=True))
    sql = queries.captured_queries[0]["sql"]
    if connection.vendor == "postgresql":
        assert "= ANY(" in sql and " IN (" not in sql, sql[:300]
    else:
        assert " IN (" in sql


@pytest.mark.parametrize("bad", [["1; DROP TABLE shop_product"], ["7"], [None], [2.5]])
def test_anything_but_integers_is_refused_before_any_sql(bad):
    with CaptureQueriesContext(connection) as queries, pytest.raises(TypeError):
        list(Product.objects.filter(pk__any_of=bad))
    assert not queries.captured_queries


def test_a_huge_id_matches_nothing():
    make_product()
    assert not Product.objects.filter(pk__any_of=[2**70]).exists()
