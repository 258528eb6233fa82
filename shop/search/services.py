"""Writes of search: documents kept current with the catalogue, the whole index rebuilt, learned intents stored."""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Container, Iterable
from dataclasses import dataclass
from itertools import groupby

from django.db import connection, transaction

from shop.models import Brand, Category, Product
from shop.product_cache import catalog_changed
from shop.search.documents import document_languages, product_documents, translated
from shop.search.models import SearchDocument, SearchIntent, SearchWord
from shop.search.segmentation import dictionary_words_add
from shop.search.vocabulary import vocabulary_forget

BATCH_SIZE = 500
MAX_WORD_LENGTH = 100


@dataclass(frozen=True)
class IntentWeight:
    """How strongly a query means a category; what personalization learns from searches and clicks."""

    query: str
    category_id: int
    weight: float


def _catalogue_words_teach(categories: Iterable[Category], brands: Iterable[Brand]) -> None:
    """jieba learns the catalogue's own names (brands, categories) in every language before segmenting."""
    languages = document_languages()
    names = [translated(item, "name", language) for item in [*categories, *brands] for language in languages]
    dictionary_words_add(names)


def _set_vectors(document_ids: list[int]) -> None:
    if connection.vendor != "postgresql" or not document_ids:
        return
    with connection.cursor() as cursor:
        cursor.execute(
            """UPDATE shop_searchdocument SET vector =
                   setweight(to_tsvector('simple', tokens_a), 'A') || setweight(to_tsvector('simple', tokens_b), 'B')
                   || setweight(to_tsvector('simple', tokens_c), 'C')
                   || setweight(to_tsvector('simple', tokens_d), 'D'),
                   head_vector =
                   setweight(to_tsvector('simple', tokens_a), 'A') || setweight(to_tsvector('simple', tokens_b), 'B')
               WHERE id = ANY(%s)""",
            [document_ids],
        )


def _documents_write(products: list[Product], categories: dict[int, Category]) -> tuple[Counter, dict, Counter]:
    """Replace these products' documents; the words they hold, by products, by category, in attributes."""
    counts: Counter = Counter()
    by_category: dict[str, Counter] = defaultdict(Counter)
    attributed: Counter = Counter()
    rows = []
    for product in products:
        documents = product_documents(product, categories=categories)
        rows += [
            SearchDocument(
                product=product,
                language=document.language,
                tokens_a=document.tokens_a,
                tokens_b=document.tokens_b,
                tokens_c=document.tokens_c,
                tokens_d=document.tokens_d,
            )
            for document in documents
        ]
        tokens = [(d.tokens_a, d.tokens_b, d.tokens_c, d.tokens_d) for d in documents]
        _tally(tokens, product.category_id, counts=counts, by_category=by_category, attributed=attributed)
    SearchDocument.objects.filter(product__in=products).delete()
    created = SearchDocument.objects.bulk_create(rows, batch_size=BATCH_SIZE)
    _set_vectors([document.pk for document in created if document.pk is not None])
    return counts, by_category, attributed


def _tally(
    tokens: Iterable[tuple[str, str, str, str]],
    category_id: int,
    *,
    counts: Counter,
    by_category: dict[str, Counter],
    attributed: Counter,
) -> None:
    """Count one product's words from its documents' tokens (name and brand, category path, attributes, the rest)."""
    words: set[str] = set()
    named: set[str] = set()
    attributes: set[str] = set()
    for a, b, c, d in tokens:
        words |= set(f"{a} {b} {c} {d}".split())
        named |= set(f"{a} {b}".split())
        attributes |= set(c.split())
    words = {word for word in words if len(word) <= MAX_WORD_LENGTH}
    counts.update(words)
    attributed.update(attributes & words)
    for word in named & words:
        by_category[word][category_id] += 1


def _word_rows(
    counts: Counter, by_category: dict[str, Counter], attributed: Counter, *, known: Container[str] = frozenset()
) -> list[SearchWord]:
    """Vocabulary rows of the counted words, those in `known` left out."""
    return [
        SearchWord(
            word=word,
            product_count=count,
            categories={str(k): v for k, v in by_category[word].items()},
            attribute_count=attributed[word],
        )
        for word, count in counts.items()
        if word not in known
    ]


def _words_replace(counts: Counter, by_category: dict[str, Counter], attributed: Counter) -> None:
    """The vocabulary, from these counts: every word of the documents, nothing else."""
    SearchWord.objects.all().delete()
    SearchWord.objects.bulk_create(_word_rows(counts, by_category, attributed), batch_size=BATCH_SIZE)


def _products(queryset) -> list[Product]:
    return list(queryset.select_related("brand", "category"))


@transaction.atomic
def search_documents_update(*, product_ids: Iterable[int]) -> int:
    """Rebuild the documents of these products (after they, their brand or their category changed)."""
    ids = sorted(set(product_ids))
    if not ids:
        return 0
    categories = {category.pk: category for category in Category.objects.all()}
    products = _products(Product.objects.filter(pk__in=ids))
    _catalogue_words_teach(categories.values(), {product.brand for product in products})
    counts, by_category, attributed = _documents_write(products, categories)
    known = set(SearchWord.objects.filter(word__in=list(counts)).values_list("word", flat=True))
    # New words join the vocabulary; the counts of known words wait for the nightly recount (search_words_recount).
    SearchWord.objects.bulk_create(
        _word_rows(counts, by_category, attributed, known=known), batch_size=BATCH_SIZE, ignore_conflicts=True
    )
    return len(products)


@transaction.atomic
def search_index_rebuild() -> int:
    """Every product's documents and the catalogue's words, from scratch (after bulk writes: the demo loader)."""
    if connection.vendor == "sqlite":
        from shop.search.backends.sqlite import fts_tables_ensure

        fts_tables_ensure()  # a language configured since the migrations gets its table
    categories = {category.pk: category for category in Category.objects.all()}
    _catalogue_words_teach(categories.values(), Brand.objects.all())
    SearchDocument.objects.all().delete()
    counts: Counter = Counter()
    by_category: dict[str, Counter] = defaultdict(Counter)
    attributed: Counter = Counter()
    ids = list(Product.objects.order_by("pk").values_list("pk", flat=True))
    for start in range(0, len(ids), BATCH_SIZE):
        products = _products(Product.objects.filter(pk__in=ids[start : start + BATCH_SIZE]).order_by("pk"))
        batch_counts, batch_categories, batch_attributed = _documents_write(products, categories)
        counts.update(batch_counts)
        attributed.update(batch_attributed)
        for word, per_category in batch_categories.items():
            by_category[word].update(per_category)
    _words_replace(counts, by_category, attributed)
    transaction.on_commit(catalog_changed)
    return len(ids)


@transaction.atomic
def search_words_recount() -> int:
    """The vocabulary's word counts again, from the stored documents; returns how many words it holds.

    `search_documents_update` adds a product's new words and leaves the counts of known ones as they
    were: in a catalogue that grew since the last full rebuild a frequent word looks rare, and search
    then reads every one of its matches instead of walking the newest (the PostgreSQL backend's
    `head_share`). The nightly task (`shop.search_words_recount`) runs this; documents are not rebuilt.
    """
    counts: Counter = Counter()
    by_category: dict[str, Counter] = defaultdict(Counter)
    attributed: Counter = Counter()
    rows = SearchDocument.objects.order_by("product_id", "language").values_list(
        "product_id", "product__category_id", "tokens_a", "tokens_b", "tokens_c", "tokens_d"
    )
    for (_, category_id), documents in groupby(rows.iterator(chunk_size=BATCH_SIZE), key=lambda row: row[:2]):
        tokens = [row[2:] for row in documents]
        _tally(tokens, category_id, counts=counts, by_category=by_category, attributed=attributed)
    _words_replace(counts, by_category, attributed)
    transaction.on_commit(catalog_changed)
    return len(counts)


@transaction.atomic
def search_intents_replace(*, intents: Iterable[IntentWeight]) -> int:
    """Replace the learned query -> category table (personalization computes it from searches and clicks).

    One transaction: searches see the old table or the new one, never none. A category deleted since
    the learner read its id (the search words may still name it until they are rebuilt) is left out.
    """
    intents = list(intents)
    existing = set(Category.objects.filter(pk__in={i.category_id for i in intents}).values_list("pk", flat=True))
    rows = [
        SearchIntent(query=i.query[:200], category_id=i.category_id, weight=i.weight)
        for i in intents
        if i.category_id in existing
    ]
    SearchIntent.objects.all().delete()
    SearchIntent.objects.bulk_create(rows, batch_size=BATCH_SIZE, ignore_conflicts=True)
    transaction.on_commit(vocabulary_forget)
    transaction.on_commit(catalog_changed)  # other processes read the words again under a new version
    return len(rows)
