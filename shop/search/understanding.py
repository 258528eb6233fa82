"""What a shopper's query means: its words corrected against the catalogue, synonyms, and the categories it names.

A query becomes `QueryPlan.groups`: one group per query word (or synonym phrase), each a set of
alternatives (a word, its correction, its synonyms, each a tuple of tokens that must all match).
A product matches a group when its document holds every token of one alternative.
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass

from rapidfuzz.distance import DamerauLevenshtein

from shop.search.segmentation import chinese_parts, is_chinese, query_key, query_words
from shop.search.vocabulary import Vocabulary

MAX_QUERY_WORDS = 8
CATEGORY_WORD_SHARE = 0.5  # a word whose uses in names fall this much in one category names that category

Alternative = tuple[str, ...]


@dataclass(frozen=True)
class QueryPlan:
    query: str
    groups: tuple[tuple[Alternative, ...], ...]
    corrected_query: str  # the query as searched; equal to `query` when nothing was corrected
    correction_certain: bool  # False: the page offers "Did you mean" instead of trusting the correction
    intent: dict[int, float]  # category id -> share of the query's meaning (sums to 1, or empty)
    # Groups that name an attribute value (black, leather, 512 GB) rather than a kind of product: where
    # requiring them leaves too few products, they rank instead of filter (shop.search.selectors).
    attribute_groups: tuple[int, ...] = ()

    @property
    def corrected(self) -> bool:
        return self.corrected_query != self.query


def allowed_distance(word: str) -> int:
    return 0 if len(word) < 4 else 1 if len(word) < 7 else 2


def correction(word: str, vocabulary: Vocabulary, *, candidates: Callable[[str], list[str]]) -> tuple[str, bool] | None:
    """The catalogue's word nearest to `word` and whether it is the only one that near; None if none is near."""
    limit = allowed_distance(word)
    if not limit:
        return None
    scored = []
    for candidate in candidates(word):
        distance = DamerauLevenshtein.distance(word, candidate, score_cutoff=limit)
        if distance <= limit and candidate != word:
            scored.append((distance, -math.log1p(vocabulary.counts.get(candidate, 0)), candidate))
    if not scored:
        return None
    scored.sort()
    best = scored[0]
    rivals = [s for s in scored[1:] if s[0] == best[0]]
    return best[2], best[0] == 1 and not rivals


def plan(query: str, vocabulary: Vocabulary, *, candidates: Callable[[str], list[str]]) -> QueryPlan:
    """`candidates(word)`: the catalogue's words that look like `word` (the backend's fuzzy lookup)."""
    words = query_words(query)[:MAX_QUERY_WORDS]
    typed = dict(zip(words, query_words(query, as_typed=True), strict=False))
    groups: list[tuple[Alternative, ...]] = []
    shown: list[str] = []
    certain = True
    index = 0
    while index < len(words):
        phrase, length = _synonym_at(words, index, vocabulary)
        if phrase is not None:
            groups.append(vocabulary.synonyms[phrase])
            shown.extend(phrase)
            index += length
            continue
        word = words[index]
        index += 1
        if word in vocabulary.counts or word.isdigit():
            groups.append(((word,),))
            shown.append(word)
        elif is_chinese(word):
            parts = chinese_parts(word)
            if len(parts) > 1 and len(words) < MAX_QUERY_WORDS * 2:
                words[index - 1 : index] = parts  # a word the catalogue does not know: its parts, each understood
                index -= 1
                continue
            groups.append(((word,),))
            shown.append(word)
        else:
            corrected = _best(
                correction(word, vocabulary, candidates=candidates),
                correction(typed.get(word, word), vocabulary, candidates=candidates),
            )
            if corrected is None:
                groups.append(((word,),))
                shown.append(word)
                continue
            better, sure = corrected
            certain = certain and sure
            synonyms = vocabulary.synonyms.get((better,), ())
            groups.append(tuple(dict.fromkeys([(better,), *synonyms])))
            shown.append(better)
    normalized = query_key(query)
    corrected_query = " ".join(shown) if shown != words else normalized
    # Learned intents are kept by the query as searched (the shoppers' clicks followed the corrected results).
    learned = vocabulary.intents.get(query_key(corrected_query)) or vocabulary.intents.get(normalized)
    return QueryPlan(
        query=normalized,
        groups=tuple(groups),
        corrected_query=corrected_query,
        correction_certain=certain,
        intent=_normalized(learned) if learned else catalogue_intent(groups, vocabulary),
        attribute_groups=attribute_groups(groups, vocabulary),
    )


def _best(*corrections: tuple[str, bool] | None) -> tuple[str, bool] | None:
    """The first correction found, preferring a certain one (a plural typo: `sonars` is nearer `sonaris`)."""
    found = [c for c in corrections if c is not None]
    return next((c for c in found if c[1]), found[0] if found else None)


def _synonym_at(words: list[str], index: int, vocabulary: Vocabulary) -> tuple[tuple[str, ...] | None, int]:
    """The longest synonym term that starts at `index` (multi-word first: "running shoe" before "running")."""
    for length in range(min(vocabulary.longest_synonym, len(words) - index), 0, -1):
        phrase = tuple(words[index : index + length])
        if phrase in vocabulary.synonyms:
            return phrase, length
    return None, 0


def attribute_groups(groups: list[tuple[Alternative, ...]] | tuple, vocabulary: Vocabulary) -> tuple[int, ...]:
    """The groups whose every word is a word of products' attribute values and which name no category.

    `black` and `512 gb` are; `bag` is not (the catalogue names a category with it), nor is `leather`
    where the catalogue's names mostly use it for one category.
    """
    found = []
    for index, group in enumerate(groups):
        tokens = [token for alternative in group[:1] for token in alternative]
        if not tokens or not all(token in vocabulary.attribute_words for token in tokens):
            continue
        by_category: dict[int, int] = defaultdict(int)
        for token in tokens:
            for category_id, count in vocabulary.categories.get(token, {}).items():
                by_category[category_id] += count
        total = sum(by_category.values())
        if total and max(by_category.values()) / total >= CATEGORY_WORD_SHARE:
            continue
        found.append(index)
    return tuple(found)


def catalogue_intent(groups: list[tuple[Alternative, ...]] | tuple, vocabulary: Vocabulary) -> dict[int, float]:
    """Which categories the query names by the catalogue's own words: the prior of the learned intents.

    Each group's words (synonyms included) vote by where the catalogue uses them in names and
    category names. A word used in one category ("camera") votes strongly for it, a word used
    everywhere ("black") barely votes; a later word votes more, as the head of a phrase comes last
    ("camera bag"). An intent learned from clicks (`personalization.search`) already holds this
    prior, weighed against the clicks, so it replaces it.
    """
    votes: dict[int, float] = defaultdict(float)
    for position, group in enumerate(groups):
        by_category: dict[int, int] = defaultdict(int)
        for alternative in group:
            for token in alternative:
                for category_id, count in vocabulary.categories.get(token, {}).items():
                    by_category[category_id] += count
        total = sum(by_category.values())
        if not total:
            continue
        shares = {category_id: count / total for category_id, count in by_category.items()}
        focus = max(shares.values())  # 1 for a word of one category, small for a word of many
        for category_id, share in shares.items():
            votes[category_id] += share * focus * (1 + 0.5 * position)
    return _normalized(votes)


def _normalized(weights: dict[int, float]) -> dict[int, float]:
    total = sum(weights.values())
    return {key: value / total for key, value in weights.items() if value > 0} if total > 0 else {}
