"""Reads of search: results for a query (corrected, understood, ordered), suggestions while typing."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from urllib.parse import urlencode

from django.conf import settings
from django.db import connection
from django.db.models import Count, IntegerField, Q, QuerySet
from django.db.models.expressions import RawSQL
from django.db.models.sql.datastructures import BaseTable
from django.urls import reverse
from django.utils.translation import get_language

from shop.cache_versions import PerCatalogVersion
from shop.listing_counts import kept
from shop.models import Brand, Category, Product
from shop.search.backends import search_backend
from shop.search.documents import document_languages, translated
from shop.search.segmentation import normalize, pinyin, query_words
from shop.search.understanding import QueryPlan, catalogue_intent, plan
from shop.search.vocabulary import vocabulary

MAX_QUERY_LENGTH = 200
RESULTS_LIMIT = 500  # the relevant set: what the listing ranker reorders and the pages paginate
# Fewer products than a screen's worth have every attribute word of the query: those words boost instead of filter.
ATTRIBUTE_FILTER_MIN = 8
SUGGESTION_LIMIT = 5
POPULAR_CATEGORY_COUNT = 6


@dataclass(frozen=True)
class SearchResults:
    query: str  # as the shopper typed it, whitespace collapsed
    corrected_query: str  # as searched: equal to `query` when nothing was corrected
    did_you_mean: str  # a correction the shopper should confirm ("" when none, or when it was certain)
    products: QuerySet  # the relevant set, best first unless `filters.sort` chose another order
    partial: bool  # no product matched every word: these match some of them (the nearest matches)

    @property
    def corrected(self) -> bool:
        return normalize(self.corrected_query) != normalize(self.query)


@dataclass(frozen=True)
class Suggestion:
    kind: str  # product, category, brand, recent
    label: str
    url: str


def clean_query(query: str) -> str:
    return " ".join((query or "").split())[:MAX_QUERY_LENGTH]


def query_plan(*, query: str) -> QueryPlan:
    words = vocabulary()
    backend = search_backend()
    return plan(query, words, candidates=lambda word: backend.similar_words(word, words=words.words))


def query_catalogue_intent(*, query: str) -> dict[int, float]:
    """Which categories `query` names by the catalogue's words and synonyms alone, before any learned intent."""
    understood = query_plan(query=clean_query(query))
    return catalogue_intent(understood.groups, vocabulary())


def product_search_results(*, query: str, products: QuerySet[Product], sort_by_relevance: bool) -> SearchResults:
    """The products of `products` (already filtered) that match `query`, best first when `sort_by_relevance`."""
    query = clean_query(query)
    if not query:
        return SearchResults(query="", corrected_query="", did_you_mean="", products=products.none(), partial=False)
    understood = query_plan(query=query)
    backend = search_backend()
    candidates = products.order_by()
    ids = _matches(backend, groups=understood.groups, products=candidates, intent=understood.intent, require_all=True)
    if len(ids) < ATTRIBUTE_FILTER_MIN and understood.attribute_groups:
        ids = _attribute_words_ranked(understood, ids, backend=backend, products=candidates)
    partial = False
    if not ids and len(understood.groups) > 1:
        ids = _matches(
            backend, groups=understood.groups, products=candidates, intent=understood.intent, require_all=False
        )
        partial = bool(ids)
    if sort_by_relevance and ids and connection.vendor == "postgresql":
        found = _in_order(products, ids)
    else:
        found = products.filter(pk__in=_id_set(ids))
        if sort_by_relevance and ids:
            found = found.order_by(_position(ids), "pk")
    return SearchResults(
        query=query,
        corrected_query=understood.corrected_query if understood.corrected else query,
        did_you_mean=understood.corrected_query if understood.corrected and not understood.correction_certain else "",
        products=found,
        partial=partial,
    )


def _matches(backend, *, groups, products: QuerySet, intent: dict[int, float], require_all: bool) -> list[int]:
    """The backend's best RESULTS_LIMIT ids for the understood query, kept in the shared cache where they can be.

    Kept under the catalogue's version (and the stock's, for a listing filtered on stock) like a listing's
    count (`shop.listing_counts`): a product, brand or category saved, or a rebuilt index, starts new keys.
    The key holds the query as understood (words, synonyms, corrections, intent), so a new synonym or a
    learned intent is a new key too. Not kept: a listing filtered on what moves without a version (price).
    """

    def match() -> list[int]:
        return backend.matches(
            groups=groups, products=products, intent=intent, require_all=require_all, limit=RESULTS_LIMIT
        )

    if not groups or not settings.SHOP_SEARCH_KEEP_MATCHES:
        return match()
    understood = repr((type(backend).__name__, groups, sorted(intent.items()), require_all, RESULTS_LIMIT))
    return kept(products, "search-" + hashlib.blake2b(understood.encode(), digest_size=12).hexdigest(), match)


def _attribute_words_ranked(understood: QueryPlan, ids: list[int], *, backend, products: QuerySet) -> list[int]:
    """Too few products have every attribute word (`black leather bag`): the products of the query's other
    words join them, after those that have them all within the category the query names."""
    core = tuple(group for index, group in enumerate(understood.groups) if index not in understood.attribute_groups)
    if not core:
        return ids
    relaxed = _matches(backend, groups=core, products=products, intent=understood.intent, require_all=True)
    strict = set(ids)
    merged = [*ids, *(pk for pk in relaxed if pk not in strict)][:RESULTS_LIMIT]
    category_of = dict(Product.objects.filter(pk__in=_id_set(merged)).values_list("pk", "category_id"))
    # Stable: within one intent share, the products with every word first, each list in its own order.
    return sorted(merged, key=lambda pk: (-understood.intent.get(category_of.get(pk), 0.0), pk not in strict))


def _id_set(ids: list[int]) -> list[int] | RawSQL:
    """`ids` for an IN filter: on PostgreSQL one array parameter, as 500 separate parameters cost psycopg
    ~15 ms to merge into the SQL on every search of a large catalogue."""
    if connection.vendor != "postgresql":
        return ids
    return RawSQL("SELECT unnest(%s::bigint[])", ([int(pk) for pk in ids],))


RANKED_IDS_ALIAS = "search_order"


class _RankedIdsTable(BaseTable):
    """The product table as the ranked ids' rows joined to it: `unnest(ids) WITH ORDINALITY ... JOIN product`.

    PostgreSQL knows that the ordinality ascends, so a page in that order reads its own rows and stops at
    its LIMIT; `ORDER BY array_position(ids, id)` read and sorted every one of the 500 products (~20 ms at
    100,000 products, whose frequent words fill the 500). Every filter, join and count of the queryset
    still applies: the ids only restrict and order it.
    """

    def __init__(self, table_name: str, alias: str, ids: tuple[int, ...]):
        super().__init__(table_name, alias)
        self.ids = ids

    def as_sql(self, compiler, connection):
        table, params = super().as_sql(compiler, connection)
        column = f"{compiler.quote_name_unless_alias(self.table_alias)}.{connection.ops.quote_name('id')}"
        ranked = f"unnest(%s::bigint[]) WITH ORDINALITY AS {RANKED_IDS_ALIAS}(product_id, position)"
        return f"{ranked} INNER JOIN {table} ON ({column} = {RANKED_IDS_ALIAS}.product_id)", [list(self.ids), *params]

    def relabeled_clone(self, change_map):
        return self.__class__(self.table_name, change_map.get(self.table_alias, self.table_alias), self.ids)

    @property
    def identity(self):
        return (*super().identity, self.ids)


def _in_order(products: QuerySet, ids: list[int]) -> QuerySet:
    """The products of `products` whose ids are in `ids`, in that order (PostgreSQL; `ids` has no repeats)."""
    found = products.all()
    query = found.query
    alias = query.get_initial_alias()
    query.alias_map[alias] = _RankedIdsTable(query.alias_map[alias].table_name, alias, tuple(int(pk) for pk in ids))
    return found.order_by(RawSQL(f"{RANKED_IDS_ALIAS}.position", (), output_field=IntegerField()))


def _position(ids: list[int]) -> RawSQL:
    """A product's place in `ids`, as SQL (SQLite; PostgreSQL joins the ids instead, see `_in_order`): written
    out at once, as Case(When...) over 500 ids costs Django more to compile than the search itself. The ids
    are integers from the backend's own query."""
    column = f"{connection.ops.quote_name(Product._meta.db_table)}.{connection.ops.quote_name('id')}"
    whens = " ".join(f"WHEN {int(pk)} THEN {index}" for index, pk in enumerate(ids))
    return RawSQL(f"CASE {column} {whens} END", (), output_field=IntegerField())


def popular_categories(*, limit: int = POPULAR_CATEGORY_COUNT) -> list[Category]:
    """The categories with the most products on sale: where a search that found nothing sends the shopper."""
    return list(
        Category.objects.annotate(live=Count("products", filter=Q(products__is_active=True)))
        .filter(live__gt=0)
        .order_by("-live", "name")[:limit]
    )


# {page language: [(kind, key, label, url)]} per catalogue version: the labels are in every language, the
# links carry the page's language prefix.
_names: PerCatalogVersion[dict[str, list[tuple[str, str, str, str]]]] = PerCatalogVersion(lambda version: {})


def _catalogue_names() -> list[tuple[str, str, str, str]]:
    """Category and brand names in every language, with their pinyin, linking to pages in the current language."""
    by_language = _names.get()
    language = get_language()
    rows = by_language.get(language)
    if rows is None:
        rows = by_language[language] = _catalogue_names_read()
    return rows


def _catalogue_names_read() -> list[tuple[str, str, str, str]]:
    rows = []
    languages = document_languages()
    for category in Category.objects.all():
        for language in languages:
            label = translated(category, "name", language)
            rows.append(("category", normalize(label), label, category.get_absolute_url()))
            rows.append(("category", pinyin(label), label, category.get_absolute_url()))
    for brand in Brand.objects.all():
        url = _search_link(brand.name)
        for language in languages:
            label = translated(brand, "name", language)
            rows.append(("brand", normalize(label), label, url))
    return rows


def _search_link(query: str) -> str:
    return f"{reverse('shop:search')}?{urlencode({'q': query})}"


def search_suggestions(*, query: str, recent_queries: tuple[str, ...] = ()) -> list[Suggestion]:
    """What to offer under the search box while typing: recent queries, categories, brands, products."""
    query = clean_query(query)
    typed = normalize(query).strip()
    if not typed:
        return [Suggestion("recent", q, _search_link(q)) for q in recent_queries[:SUGGESTION_LIMIT]]
    suggestions: list[Suggestion] = [
        Suggestion("recent", q, _search_link(q))
        for q in recent_queries
        if normalize(q).startswith(typed) and normalize(q) != typed
    ][:2]
    seen: set[tuple[str, str]] = set()
    for kind, key, label, url in _catalogue_names():
        if (kind, label) not in seen and (key.startswith(typed) or f" {typed}" in f" {key}"):
            seen.add((kind, label))
            suggestions.append(Suggestion(kind, label, url))
    suggestions = suggestions[: SUGGESTION_LIMIT - 2] if len(suggestions) > SUGGESTION_LIMIT - 2 else suggestions
    words = query_words(query)
    if words:
        groups = tuple(((word,),) for word in words)
        live = Product.objects.filter(is_active=True)
        ids = search_backend().prefix_matches(prefix=groups, products=live, limit=SUGGESTION_LIMIT)
        by_id = {p.pk: p for p in Product.objects.filter(pk__in=ids).only("pk", "name", "slug")}
        suggestions.extend(
            Suggestion("product", by_id[pk].name, by_id[pk].get_absolute_url()) for pk in ids if pk in by_id
        )
    return suggestions[: SUGGESTION_LIMIT * 2]
