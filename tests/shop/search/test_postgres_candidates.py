"""The candidates PostgreSQL ranks: the head (name, brand, category) matches, up to a bound; the body only when few."""

from __future__ import annotations

import pytest
from django.db import connection

from shop.models import Product
from shop.search.backends import postgres
from shop.search.selectors import product_search_results
from shop.search.services import search_documents_update
from shop.search.vocabulary import vocabulary_forget
from shop.selectors import product_list
from tests.factories import make_brand, make_category, make_product

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


def test_a_frequent_word_ranks_its_newest_head_matches_not_the_first_stored(lighting, monkeypatch):
    # given a store of 1,500 lanterns (3,000 documents), 15 times the real bound of head documents
    monkeypatch.setattr(postgres, "HEAD_DOCUMENTS", 200)
    brand = make_brand()
    products = Product.objects.bulk_create(
        Product(name=f"Lantern {n}", slug=f"lantern-{n}", sku=f"LANTERN-{n}", category=lighting, brand=brand, price=10)
        for n in range(1500)
    )
    search_documents_update(product_ids=[product.pk for product in products])
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE shop_searchdocument")
    newest = {product.name for product in products[-100:]}  # 200 documents: the bound
    # when
    found = names("lantern")
    # then: the oldest (first stored) documents are not the ones ranked
    assert found, "the head's matches are found"
    assert set(found) <= newest, f"only the 100 newest lanterns are candidates: {sorted(set(found) - newest)[:5]}"
