"""SQLite's full-text index: a table per language, so Chinese and English documents keep their own statistics."""

from __future__ import annotations

import pytest
from django.db import connection

from shop.search.backends.sqlite import SqliteBackend, fts_table, fts_tables_ensure, fts_tables_present
from shop.search.models import SearchDocument
from shop.search.services import search_index_rebuild
from shop.selectors import product_list
from tests.factories import make_brand, make_category, make_product

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(connection.vendor != "sqlite", reason="SQLite's FTS5 tables; PostgreSQL ranks without them"),
]


@pytest.fixture
def shelves():
    cameras = make_category(name="Cameras", slug="cameras")
    optivue = make_brand(name="Optivue")
    for name in ("Optivue Compact Camera", "Optivue Mirrorless Camera", "Field Camera"):
        make_product(name=name, category=cameras, brand=optivue if name.startswith("Optivue") else None)


def indexed(language: str) -> int:
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT count(*) FROM {fts_table(language)}_docsize")
        return cursor.fetchone()[0]


def relevance(word: str) -> dict[int, float]:
    hits = SqliteBackend()._hits(f'"{word}"', product_list())
    return {product_id: round(score, 9) for product_id, _, score in hits}


def test_each_language_indexes_only_its_own_documents(shelves):
    # then
    assert indexed("en") == SearchDocument.objects.filter(language="en").count() == 3
    assert indexed("zh-hans") == SearchDocument.objects.filter(language="zh-hans").count() == 3


def test_english_relevance_does_not_move_with_the_chinese_documents(shelves):
    # given: "optivue" ranked with both languages indexed
    before = relevance("optivue")
    # when: the Chinese documents go (as if the shop were English only)
    SearchDocument.objects.filter(language="zh-hans").delete()
    # then: the English documents' bm25 is what it was (one shared table would count 3 documents fewer)
    assert indexed("zh-hans") == 0
    assert relevance("optivue") == before


def test_a_language_configured_later_gets_its_table_at_the_rebuild(shelves, settings):
    # given
    settings.LANGUAGES = [*settings.LANGUAGES, ("ja", "日本語")]
    assert fts_table("ja") not in fts_tables_present()
    # when
    search_index_rebuild()
    # then
    assert fts_table("ja") in fts_tables_present()
    assert indexed("ja") == 3
    assert fts_tables_ensure() == []


def test_a_language_code_that_is_not_one_names_no_table():
    with pytest.raises(ValueError):
        fts_table("en; DROP TABLE shop_product")
