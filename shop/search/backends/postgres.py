"""PostgreSQL: the stored full-text vector (GIN index, 'simple' config over pre-segmented tokens) and pg_trgm."""

from __future__ import annotations

from django.db import connection
from django.db.models import QuerySet

from shop.search.backends.base import INTENT_WEIGHT, Groups, SearchBackend, fuzzy_words
from shop.search.vocabulary import vocabulary

# ts_rank's weights, in its order: D description, C attributes, B category, A name and brand.
RANK_WEIGHTS = "{0.1, 0.2, 0.4, 1.0}"
TRIGRAM_THRESHOLD = 0.3
# At most HEAD_DOCUMENTS documents whose name, brand or category match are ranked; only when they are fewer
# (every head match already taken) are the documents that match anywhere ranked too, at most BODY_DOCUMENTS.
# The demo store's most frequent words match fewer of each (`鞋`: 148 in the head; `包`, bag: 142 in the head,
# 242 in all), so a store of a few hundred products ranks every match on its whole vector, as before; at
# 100,000 products a frequent word ranks 200 head matches (its newest: below) and reads no description.
HEAD_DOCUMENTS = 200
BODY_DOCUMENTS = 300
# A word in at least this share of the products' names, brands or categories takes its newest head matches
# (product ids grow with time; the catalogue keeps no sales figure) by walking the (product, language) index
# from its newest end, which stops at HEAD_DOCUMENTS: about 2 x HEAD_DOCUMENTS / NEWEST_FIRST_SHARE documents
# (two languages) when the matches spread evenly; the demo store's `phone` (0.11), `鞋` and `包` (0.18). A rarer
# word reads its GIN matches and ranks the first HEAD_DOCUMENTS stored: the planner would walk for it too, but
# it prices the `@@` filter low and assumes even spread, and a walk that
# meets clustered or no matches reads the whole table (bench/search.py: 5.4x its 600-product p50 when it chose).
NEWEST_FIRST_SHARE = 0.1
# A rarer word walks too where the walk reads fewer documents than the GIN bitmap holds entries, each walked
# document costing about WALK_COST_PER_DOCUMENT entries: the walk reads about 2 x HEAD_DOCUMENTS / share
# documents and the bitmap 2 x share x products entries, so it walks when share² x products exceeds
# HEAD_DOCUMENTS x WALK_COST_PER_DOCUMENT. At 1M products (EXPLAIN ANALYZE on bench/scale.py's store): 0.25 µs
# an entry (`camera`, 8% of the products: 163,846 entries, 41 ms) against about 4 µs a walked document
# (`soundbar`, 1.2%: 153 ms walked), so a word past 5.7% walks there (`camera`: 12 ms); at 100,000 products,
# past 18%; never in a store of a few thousand products.
WALK_COST_PER_DOCUMENT = 16


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


def head_share(groups: Groups) -> float:
    """At least this share of the products hold a one-word query in their name, brand or category (0 if unknown)."""
    if len(groups) != 1:
        return 0.0
    words = vocabulary()
    if not words.product_count:
        return 0.0
    # The most frequent alternative (a phrase: its rarest token) is a lower bound of the query's matches.
    found = max(
        (
            min(sum(words.categories.get(token, {}).values()) for token in alternative)
            for alternative in groups[0]
            if alternative
        ),
        default=0,
    )
    return found / words.product_count


def walks_newest_first(share: float, products: int) -> bool:
    """Whether a one-word query held by `share` of the `products` takes its newest head matches by walking
    the index (NEWEST_FIRST_SHARE), or because the walk costs less than its GIN bitmap would."""
    return share >= NEWEST_FIRST_SHARE or share * share * products > HEAD_DOCUMENTS * WALK_COST_PER_DOCUMENT


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

    def _ranked(
        self, tsquery: str, products: QuerySet, intent: dict[int, float], limit: int, *, newest_first: bool = False
    ) -> list[int]:
        sql, params = products.order_by().values("pk").query.sql_with_params()
        intent_rows = list(intent.items()) or [(0, 0.0)]
        values = ", ".join(["(%s::bigint, %s::float8)"] * len(intent_rows))
        # Candidates first: documents whose name, brand or category match, ranked on that small head vector
        # (it stays in the row: no description is read); then, only if they are fewer than HEAD_DOCUMENTS
        # (the head was read to its end), the documents that match anywhere, ranked on the whole vector (a
        # head match then counts its best rank of the two). Only the candidates are ranked, so a frequent
        # word costs the same at 600 products as at 100,000, less the index's own bitmap.
        # Newest first, the query is a constant so that the planner sees it is frequent and walks the index.
        head_match, head_order = (
            ("to_tsquery('simple', %s)", "ORDER BY d.product_id DESC") if newest_first else ("q.q", "")
        )
        with connection.cursor() as cursor:
            cursor.execute(
                f"""WITH q AS (SELECT to_tsquery('simple', %s) AS q),
                    head AS MATERIALIZED (
                        SELECT d.product_id, ts_rank(%s::float4[], d.head_vector, q.q) AS rank
                        FROM shop_searchdocument d, q
                        WHERE d.head_vector @@ {head_match} AND d.product_id IN ({sql}) {head_order} LIMIT %s),
                    body AS MATERIALIZED (
                        SELECT d.product_id, ts_rank(%s::float4[], d.vector, q.q) AS rank
                        FROM shop_searchdocument d, q
                        WHERE d.vector @@ q.q AND d.product_id IN ({sql})
                        LIMIT CASE WHEN (SELECT count(*) FROM head) < %s THEN %s ELSE 0 END),
                    hits AS (
                        SELECT product_id, max(rank) AS rank FROM (SELECT * FROM head UNION ALL SELECT * FROM body) c
                        GROUP BY product_id)
                    SELECT h.product_id FROM hits h
                    JOIN shop_product p ON p.id = h.product_id
                    LEFT JOIN (VALUES {values}) AS i(category_id, weight) ON i.category_id = p.category_id
                    ORDER BY %s * coalesce(i.weight, 0) + h.rank / nullif(max(h.rank) OVER (), 0) DESC,
                        h.product_id
                    LIMIT %s""",
                [
                    tsquery,
                    RANK_WEIGHTS,
                    *([tsquery] if newest_first else []),
                    *params,
                    HEAD_DOCUMENTS,
                    RANK_WEIGHTS,
                    *params,
                    HEAD_DOCUMENTS,
                    BODY_DOCUMENTS,
                    *[v for row in intent_rows for v in row],
                    INTENT_WEIGHT,
                    limit,
                ],
            )
            return [row[0] for row in cursor.fetchall()]

    def matches(
        self, *, groups: Groups, products: QuerySet, intent: dict[int, float], require_all: bool, limit: int
    ) -> list[int]:
        if not groups:
            return []
        newest_first = walks_newest_first(head_share(groups), vocabulary().product_count)
        return self._ranked(
            ts_query(groups, require_all=require_all), products, intent, limit, newest_first=newest_first
        )

    def prefix_matches(self, *, prefix: Groups, products: QuerySet, limit: int) -> list[int]:
        if not prefix:
            return []
        return self._ranked(ts_query(prefix, require_all=True, prefix_last=True), products, {}, limit)
