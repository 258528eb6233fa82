"""SQLite: the FTS5 table that migration 0004 made over the documents' tokens, and rapidfuzz for typos."""

from __future__ import annotations

from django.db import connection
from django.db.models import QuerySet

from shop.search.backends.base import Groups, SearchBackend, fuzzy_words, ordered

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
        sql, params = products.order_by().values("pk").query.sql_with_params()
        weights = ", ".join(map(str, COLUMN_WEIGHTS))
        with connection.cursor() as cursor:
            cursor.execute(
                f"""SELECT d.product_id, p.category_id, -bm25(shop_searchdocument_fts, {weights})
                    FROM shop_searchdocument_fts
                    JOIN shop_searchdocument d ON d.id = shop_searchdocument_fts.rowid
                    JOIN shop_product p ON p.id = d.product_id
                    WHERE shop_searchdocument_fts MATCH %s AND d.product_id IN ({sql})""",
                [match, *params],
            )
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
