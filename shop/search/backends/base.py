"""The contract of a search backend and the ordering every backend shares."""

from __future__ import annotations

from collections.abc import Iterable

from django.db.models import QuerySet
from rapidfuzz import process
from rapidfuzz.distance import Levenshtein

from shop.search.understanding import Alternative

INTENT_WEIGHT = 2.0  # a product of the category the query names outranks any better text match elsewhere
Groups = tuple[tuple[Alternative, ...], ...]


class SearchBackend:
    def similar_words(self, word: str, *, words: tuple[str, ...]) -> list[str]:
        """The catalogue's words that look like `word` (candidates for a typo's correction)."""
        raise NotImplementedError

    def matches(
        self, *, groups: Groups, products: QuerySet, intent: dict[int, float], require_all: bool, limit: int
    ) -> list[int]:
        """Ids of `products` whose documents match the groups (all, or any), best first, at most `limit`."""
        raise NotImplementedError

    def prefix_matches(self, *, prefix: Groups, products: QuerySet, limit: int) -> list[int]:
        """Ids of products whose documents hold every group, the last one's tokens as prefixes."""
        raise NotImplementedError


def fuzzy_words(word: str, *, words: tuple[str, ...]) -> list[str]:
    """Words within an edit distance of 3 of `word`, nearest first (rapidfuzz over the process's vocabulary)."""
    found = process.extract(word, words, scorer=Levenshtein.distance, score_cutoff=3, limit=20)
    return [candidate for candidate, _, _ in found]


def ordered(hits: Iterable[tuple[int, int, float]], *, intent: dict[int, float], limit: int) -> list[int]:
    """(product id, category id, text relevance) hits, best first: intent, then relevance over the best."""
    best: dict[int, tuple[int, float]] = {}
    for product_id, category_id, relevance in hits:
        if product_id not in best or relevance > best[product_id][1]:
            best[product_id] = (category_id, relevance)
    top = max((relevance for _, relevance in best.values()), default=0.0) or 1.0
    scored = sorted(
        best.items(),
        key=lambda item: (-(INTENT_WEIGHT * intent.get(item[1][0], 0.0) + item[1][1] / top), item[0]),
    )
    return [product_id for product_id, _ in scored[:limit]]
