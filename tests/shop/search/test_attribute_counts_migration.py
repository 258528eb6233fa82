"""An install that migrated to 0011 before the attribute words had its word counts filled by 0012, without a reindex."""

from __future__ import annotations

import importlib

import pytest
from django.db import connection
from django.db.migrations.loader import MigrationLoader

from shop.search.models import SearchWord
from shop.search.selectors import ATTRIBUTE_FILTER_MIN, product_search_results
from shop.search.services import search_index_rebuild
from shop.search.vocabulary import vocabulary_forget
from shop.selectors import product_list
from tests.factories import make_category, make_product

pytestmark = pytest.mark.django_db
MIGRATION = ("shop", "0012_search_word_attribute_counts")


@pytest.fixture
def catalogue():
    laptops = make_category(name="Laptops", slug="laptops")
    bags = make_category(name="Bags", slug="bags")
    for n in range(ATTRIBUTE_FILTER_MIN):
        make_product(name=f"Notebook Laptop {n}", category=laptops, attributes={"storage": "512 GB"})
    make_product(name="Notebook Laptop Small", category=laptops, attributes={"storage": "256 GB"})
    make_product(name="Tote Bag", category=bags, attributes={"colour": "Black", "material": "Canvas"})
    make_product(name="Duffel Bag", category=bags, attributes={"colour": "Coral", "material": "Leather"})
    search_index_rebuild()
    vocabulary_forget()
    yield
    vocabulary_forget()


def attribute_counts() -> dict[str, int]:
    return dict(SearchWord.objects.values_list("word", "attribute_count"))


def fill_as_migration_0012() -> None:
    apps = MigrationLoader(connection).project_state(MIGRATION).apps
    importlib.import_module(f"shop.migrations.{MIGRATION[1]}").attribute_counts_fill(apps, None)


def names(query: str) -> list[str]:
    vocabulary_forget()
    results = product_search_results(query=query, products=product_list(), sort_by_relevance=True)
    return list(results.products.values_list("name", flat=True))


def test_the_migration_fills_the_counts_a_reindex_would(catalogue):
    # given the words of an install migrated to 0011: every attribute count 0
    rebuilt = attribute_counts()
    assert rebuilt["512"] == ATTRIBUTE_FILTER_MIN and rebuilt["black"] == 1, rebuilt
    SearchWord.objects.update(attribute_count=0)
    assert names("black bag") == ["Tote Bag"]  # a rare attribute word hides the other bags
    # when 0012 runs
    fill_as_migration_0012()
    # then the counts are those of a full reindex: a rare attribute word ranks, a frequent one filters
    assert attribute_counts() == rebuilt
    assert names("black bag") == ["Tote Bag", "Duffel Bag"]
    assert "Notebook Laptop Small" not in names("512 GB laptop")


def test_the_migration_leaves_current_counts_as_they_are(catalogue):
    # given counts a reindex just wrote
    rebuilt = attribute_counts()
    # when 0012 runs on them
    fill_as_migration_0012()
    # then nothing moved
    assert attribute_counts() == rebuilt
