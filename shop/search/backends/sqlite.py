"""SQLite: an FTS5 table per language over the documents' tokens, and rapidfuzz for typos.

One table per language, so each language has its own term statistics: bm25 weighs `鞋` by how
many Chinese documents hold it and `camera` by the English ones, however many documents the
other language has. Triggers keep each table in step with its language's documents (the
documents are the tables' external content). Migration 0010 makes the tables of the languages
configured then; a language added later gets its table from `fts_tables_ensure`, which the
index rebuild (`manage.py search_reindex`) calls.
"""

from __future__ import annotations

import re

from django.db import connection
from django.db.models import QuerySet

from shop.search.backends.base import Groups, SearchBackend, fuzzy_words, ordered
from shop.search.documents import document_languages

COLUMNS = "tokens_a, tokens_b, tokens_c, tokens_d"
_LANGUAGE_CODE = re.compile(r"^[a-z]{2,3}(?:-[a-z0-9]{2,8})*$")


def fts_table(language: str) -> str:
    """The FTS5 table of a language's documents: `zh-hans` -> shop_searchdocument_fts_zh_hans."""
    if not _LANGUAGE_CODE.match(language):
        raise ValueError(f"Not a language code a table can be named after: {language!r}")
    return "shop_searchdocument_fts_" + language.replace("-", "_")


def fts_table_statements(language: str) -> list[str]:
    """The table and triggers of one language, filled with the documents it already has."""
    table = fts_table(language)
    new = ", ".join(f"new.{column}" for column in COLUMNS.split(", "))
    old = ", ".join(f"old.{column}" for column in COLUMNS.split(", "))
    insert = f"INSERT INTO {table}(rowid, {COLUMNS}) VALUES (new.id, {new});"
    delete = f"INSERT INTO {table}({table}, rowid, {COLUMNS}) VALUES ('delete', old.id, {old});"
    return [
        f"""CREATE VIRTUAL TABLE {table} USING fts5({COLUMNS}, content='shop_searchdocument', content_rowid='id',
            tokenize='unicode61 remove_diacritics 2')""",
        f"""CREATE TRIGGER {table}_insert AFTER INSERT ON shop_searchdocument
            WHEN new.language = '{language}' BEGIN {insert} END""",
        f"""CREATE TRIGGER {table}_delete AFTER DELETE ON shop_searchdocument
            WHEN old.language = '{language}' BEGIN {delete} END""",
        f"""CREATE TRIGGER {table}_update_old AFTER UPDATE ON shop_searchdocument
            WHEN old.language = '{language}' BEGIN {delete} END""",
        f"""CREATE TRIGGER {table}_update_new AFTER UPDATE ON shop_searchdocument
            WHEN new.language = '{language}' BEGIN {insert} END""",
        f"INSERT INTO {table}(rowid, {COLUMNS}) SELECT id, {COLUMNS} FROM shop_searchdocument "
        f"WHERE language = '{language}'",
    ]


def fts_table_drop_statements(language: str) -> list[str]:
    table = fts_table(language)
    triggers = [f"DROP TRIGGER IF EXISTS {table}_{event}" for event in ("insert", "delete", "update_old", "update_new")]
    return [*triggers, f"DROP TABLE IF EXISTS {table}"]


_present: dict[str, frozenset[str]] = {}  # database name -> its tables: read once per process, not per search


def fts_tables_present() -> frozenset[str]:
    """The languages' tables (FTS5's own shadow tables, `..._data` and the like, share the prefix)."""
    name = str(connection.settings_dict["NAME"])
    if name not in _present:
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT name FROM sqlite_master WHERE type = 'table' AND name LIKE 'shop_searchdocument_fts_%'"
            )
            _present[name] = frozenset(row[0] for row in cursor.fetchall())
    return _present[name]


def fts_tables_ensure() -> list[str]:
    """Make the tables of configured languages that have none yet; returns those languages."""
    _present.clear()
    present = fts_tables_present()
    missing = [language for language in document_languages() if fts_table(language) not in present]
    with connection.cursor() as cursor:
        for language in missing:
            for statement in fts_table_statements(language):
                cursor.execute(statement)
    _present.clear()
    return missing


# bm25's weights of the token columns: A name and brand, B category, C attributes, D description.
COLUMN_WEIGHTS = (1.0, 0.4, 0.2, 0.1)


def _phrase(tokens: tuple[str, ...], *, prefix_last: bool = False) -> str:
    quoted = [f'"{token}"' for token in tokens]
    if prefix_last and quoted:
        quoted[-1] += "*"
    return "(" + " AND ".join(quoted) + ")"


def fts_query(groups: Groups, *, require_all: bool, prefix_last: bool = False) -> str:
    parts = []
    for index, group in enumerate(groups):
        last = prefix_last and index == len(groups) - 1
        parts.append("(" + " OR ".join(_phrase(alt, prefix_last=last) for alt in group if alt) + ")")
    return (" AND " if require_all else " OR ").join(parts)


class SqliteBackend(SearchBackend):
    def similar_words(self, word: str, *, words: tuple[str, ...]) -> list[str]:
        return fuzzy_words(word, words=words)

    def _hits(self, match: str, products: QuerySet) -> list[tuple[int, int, float]]:
        """Each language's matches with its own bm25; a product's best language counts (`ordered`)."""
        sql, params = products.order_by().values("pk").query.sql_with_params()
        weights = ", ".join(map(str, COLUMN_WEIGHTS))
        present = fts_tables_present()
        tables = [fts_table(language) for language in document_languages() if fts_table(language) in present]
        if not tables:
            return []
        selects = [
            f"""SELECT d.product_id, p.category_id, -bm25({table}, {weights})
                FROM {table}
                JOIN shop_searchdocument d ON d.id = {table}.rowid
                JOIN shop_product p ON p.id = d.product_id
                WHERE {table} MATCH %s AND d.product_id IN ({sql})"""
            for table in tables
        ]
        with connection.cursor() as cursor:
            cursor.execute(" UNION ALL ".join(selects), [value for _ in tables for value in (match, *params)])
            return cursor.fetchall()

    def matches(
        self, *, groups: Groups, products: QuerySet, intent: dict[int, float], require_all: bool, limit: int
    ) -> list[int]:
        if not groups:
            return []
        hits = self._hits(fts_query(groups, require_all=require_all), products)
        return ordered(hits, intent=intent, limit=limit)

    def prefix_matches(self, *, prefix: Groups, products: QuerySet, limit: int) -> list[int]:
        if not prefix:
            return []
        hits = self._hits(fts_query(prefix, require_all=True, prefix_last=True), products)
        return ordered(hits, intent={}, limit=limit)
