"""The candidates PostgreSQL ranks: the head (name, brand, category) matches, up to a bound; the body only when few."""

from __future__ import annotations

import pytest
from django.db import connection

from shop.search.backends import postgres
from shop.search.selectors import product_search_results
from shop.search.vocabulary import vocabulary_forget
from shop.selectors import product_list
from tests.factories import make_category, make_product

pytestmark = pytest.mark.django_db

# Each product has two documents (en, zh-hans), both holding an untranslated name.
BOUND = 6


@pytest.fixture(autouse=True)
def postgres_only(monkeypatch):
    if connection.vendor != "postgresql":
        pytest.skip("the candidate bound is the PostgreSQL backend's (set DATABASE_URL)")
    monkeypatch.setattr(postgres, "HEAD_DOCUMENTS", BOUND)
    monkeypatch.setattr(postgres, "BODY_DOCUMENTS", BOUND)
    vocabulary_forget()
    yield
    vocabulary_forget()


@pytest.fixture
def lighting():
    return make_category(name="Lighting", slug="lighting")


def names(query: str) -> list[str]:
    results = product_search_results(query=query, products=product_list(), sort_by_relevance=True)
    return list(results.products.values_list("name", flat=True))


def test_few_head_matches_rank_every_description_match_too(lighting):
    # given 4 head documents, fewer than the bound, and a product that has the word in its description only
    make_product(name="Paper Lantern", category=lighting)
    make_product(name="Brass Lantern", category=lighting)
    make_product(name="Camping Stove", category=lighting, description="Pairs with a lantern.")
    # when
    found = names("lantern")
    # then: the body is read whole, not only what the head left of the bound (its first documents are the head's)
    assert set(found) == {"Paper Lantern", "Brass Lantern", "Camping Stove"}, found
    assert found[-1] == "Camping Stove", f"a description match ranks below the name matches: {found}"


def test_a_frequent_word_ranks_a_bounded_set_of_head_matches_and_reads_no_description(lighting):
    # given more head documents than the bound
    for n in range(5):
        make_product(name=f"Lantern {n}", category=lighting)
    make_product(name="Camping Stove", category=lighting, description="Pairs with a lantern.")
    # when
    found = names("lantern")
    # then
    assert found, "the head's matches are found"
    assert len(found) <= BOUND, f"at most {BOUND} documents are ranked: {found}"
    assert "Camping Stove" not in found, f"the body is not read when the head fills the bound: {found}"


def test_deleted_and_renamed_products_leave_and_join_the_results_at_once(lighting):
    # given
    kept = make_product(name="Lantern Kept", category=lighting)
    gone = make_product(name="Lantern Gone", category=lighting)
    renamed = make_product(name="Camping Stove", category=lighting)
    # when
    gone.delete()
    renamed.name = "Camping Lantern"
    renamed.save()
    # then
    assert set(names("lantern")) == {kept.name, "Camping Lantern"}
