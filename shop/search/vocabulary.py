"""The catalogue's words, synonyms and intents as one process keeps them, under the catalogue version.

Read once per catalogue version (`shop.product_cache`): a saved product, brand or category moves
the version, and the next query reads the words again.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

from shop.cache_versions import PerCatalogVersion
from shop.models import Product
from shop.search.models import SearchIntent, SearchSynonym, SearchWord
from shop.search.segmentation import dictionary_words_add, is_chinese, normalize, pinyin, query_key, query_words


@dataclass(frozen=True)
class Vocabulary:
    version: str
    counts: dict[str, int]  # word -> products whose documents hold it
    categories: dict[str, dict[int, int]]  # word -> {category id: products of it whose name or category holds it}
    synonyms: dict[tuple[str, ...], tuple[tuple[str, ...], ...]]  # a term's words -> its group's terms' words
    intents: dict[str, dict[int, float]] = field(default_factory=dict)  # learned: query -> {category id: weight}
    words: tuple[str, ...] = ()  # the known words, for fuzzy matching
    attribute_words: frozenset[str] = frozenset()  # words of products' attribute values: black, leather, 512, gb
    product_count: int = 0  # products in the catalogue when the words were read

    @property
    def longest_synonym(self) -> int:
        return max((len(term) for term in self.synonyms), default=1)


_vocabulary: PerCatalogVersion[Vocabulary] = PerCatalogVersion(lambda version: _load(version))


def vocabulary() -> Vocabulary:
    return _vocabulary.get()


def vocabulary_forget() -> None:
    """Read the words again on the next query (after synonyms or intents change)."""
    _vocabulary.forget()


def _load(version: str) -> Vocabulary:
    counts: dict[str, int] = {}
    categories: dict[str, dict[int, int]] = {}
    attribute_words: set[str] = set()
    rows = SearchWord.objects.values_list("word", "product_count", "categories", "attribute_count")
    for word, product_count, by_category, attribute_count in rows:
        counts[word] = product_count
        if attribute_count:
            attribute_words.add(word)
        if by_category:
            categories[word] = {int(pk): n for pk, n in by_category.items()}
    synonyms: dict[tuple[str, ...], tuple[tuple[str, ...], ...]] = {}
    dictionary: list[str] = []
    for synonym in SearchSynonym.objects.filter(is_active=True):
        terms = synonym.term_list()
        dictionary.extend(terms)
        dictionary_words_add(terms)
        # A Chinese term's pinyin is one more way to type it ("xiangji" for 相机).
        spelled = [pinyin(term) for term in terms if is_chinese(normalize(term).strip())]
        group = tuple(dict.fromkeys(tuple(query_words(term)) for term in [*terms, *spelled] if query_words(term)))
        for term in group:
            synonyms[term] = tuple(dict.fromkeys([*synonyms.get(term, ()), *group]))
    intents: dict[str, dict[int, float]] = defaultdict(dict)
    for query, category_id, weight in SearchIntent.objects.values_list("query", "category_id", "weight"):
        intents[query_key(query)][category_id] = weight
    return Vocabulary(
        version=version,
        counts=counts,
        categories=categories,
        synonyms=synonyms,
        intents=dict(intents),
        words=tuple(word for word in counts if word.isascii() and word.isalpha()),
        attribute_words=frozenset(attribute_words),
        product_count=Product.objects.count(),
    )
