"""PostgreSQL: the stored full-text vector (GIN index, 'simple' config over pre-segmented tokens) and pg_trgm."""

from __future__ import annotations

from django.db import connection
from django.db.models import QuerySet

from shop.search.backends.base import INTENT_WEIGHT, Groups, SearchBackend, fuzzy_words

# ts_rank's weights, in its order: D description, C attributes, B category, A name and brand.
RANK_WEIGHTS = "{0.1, 0.2, 0.4, 1.0}"
TRIGRAM_THRESHOLD = 0.3


def _phrase(tokens: tuple[str, ...], *, prefix_last: bool = False) -> str:
    quoted = [f"'{token}'" for token in tokens]
    if prefix_last and quoted:
        quoted[-1] += ":*"
    return "(" + " & ".join(quoted) + ")"


def ts_query(groups: Groups, *, require_all: bool, prefix_last: bool = False) -> str:
    parts = []
    for index, group in enumerate(groups):
        last = prefix_last and index == len(groups) - 1
        parts.append("(" + " | ".join(_phrase(alt, prefix_last=last) for alt in group if alt) + ")")
    return (" & " if require_all else " | ").join(parts)


class PostgresBackend(SearchBackend):
    def similar_words(self, word: str, *, words: tuple[str, ...]) -> list[str]:
        with connection.cursor() as cursor:
            cursor.execute(
                """SELECT word FROM shop_searchword WHERE similarity(word, %s) >= %s AND word %% %s
                   ORDER BY similarity(word, %s) DESC, product_count DESC LIMIT 20""",
                [word, TRIGRAM_THRESHOLD, word, word],
            )
            found = [row[0] for row in cursor.fetchall()]
        # Trigrams miss a swapped pair in a short word (`cmaera`): the edit distance over the words catches it.
        return found or fuzzy_words(word, words=words)

    def _ranked(self, tsquery: str, products: QuerySet, intent: dict[int, float], limit: int) -> list[int]:
        sql, params = products.order_by().values("pk").query.sql_with_params()
        intent_rows = list(intent.items()) or [(0, 0.0)]
        values = ", ".join(["(%s::bigint, %s::float8)"] * len(intent_rows))
        with connection.cursor() as cursor:
            cursor.execute(
                f"""WITH hits AS (
                        SELECT d.product_id, max(ts_rank(%s::float4[], d.vector, q.q)) AS rank
                        FROM shop_searchdocument d, to_tsquery('simple', %s) AS q(q)
                        WHERE d.vector @@ q.q AND d.product_id IN ({sql})
                        GROUP BY d.product_id)
                    SELECT h.product_id FROM hits h
                    JOIN shop_product p ON p.id = h.product_id
                    LEFT JOIN (VALUES {values}) AS i(category_id, weight) ON i.category_id = p.category_id
                    ORDER BY %s * coalesce(i.weight, 0) + h.rank / nullif(max(h.rank) OVER (), 0) DESC,
                        h.product_id
                    LIMIT %s""",
                [RANK_WEIGHTS, tsquery, *params, *[v for row in intent_rows for v in row], INTENT_WEIGHT, limit],
            )
            return [row[0] for row in cursor.fetchall()]

    def matches(
        self, *, groups: Groups, products: QuerySet, intent: dict[int, float], require_all: bool, limit: int
    ) -> list[int]:
        if not groups:
            return []
        return self._ranked(ts_query(groups, require_all=require_all), products, intent, limit)

    def prefix_matches(self, *, prefix: Groups, products: QuerySet, limit: int) -> list[int]:
        if not prefix:
            return []
        return self._ranked(ts_query(prefix, require_all=True, prefix_last=True), products, {}, limit)
