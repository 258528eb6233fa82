"""Price filters of the category and search pages: numbers no price can reach are refused, not sent to the database."""

from decimal import Decimal

import pytest
from django.http import QueryDict
from django.urls import reverse

from shop.selectors import MAX_PRICE_FILTER, ProductFilters

HUGE = ["1e999999", "1" + "0" * 400, "100000000", "99999999.995", "Infinity", "-inf", "nan", "sNaN"]


@pytest.mark.parametrize("raw", HUGE)
@pytest.mark.parametrize("name", ["price_min", "price_max"])
def test_price_filter_out_of_range_is_ignored_with_a_message(name, raw):
    # when
    filters = ProductFilters.from_query(QueryDict(f"{name}={raw}"))
    # then
    assert getattr(filters, name) is None
    assert filters.errors, f"{name}={raw} is neither used nor explained"


def test_largest_price_filter_is_kept():
    # when
    filters = ProductFilters.from_query(QueryDict(f"price_max={MAX_PRICE_FILTER}"))
    # then
    assert filters.price_max == MAX_PRICE_FILTER
    assert MAX_PRICE_FILTER == Decimal("99999999.99")


@pytest.mark.django_db
@pytest.mark.parametrize("params", [{"price_min": "1e999999"}, {"price_max": "1" + "0" * 400}, {"price_min": "inf"}])
def test_category_with_overflowing_price_filter_answers(client, category, product, params):
    # when
    response = client.get(reverse("shop:category", kwargs={"slug": category.slug}), params)
    # then
    assert response.status_code == 200
    assert product.name in response.text, "the refused filter is ignored"


@pytest.mark.django_db
def test_search_with_overflowing_price_filter_answers(client, product):
    # when
    response = client.get(reverse("shop:search"), {"q": "lumix", "price_min": "1e999999", "sort": "price_asc"})
    # then
    assert response.status_code == 200
    assert product.name in response.text
