"""A shopper's message as the assistant reads it: normalized, split into Latin words and Chinese runs, typo-tolerant.

Shares the search's normalization (`shop.search.segmentation`), so "Ｃａｍｅｒａ" and "camera" read the same.
"""

from __future__ import annotations

import re

from shop.search.segmentation import normalize, query_words, singular

_CJK = r"\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
_LETTER_DIGIT = re.compile(r"(?<=[a-z])(?=[0-9])|(?<=[0-9])(?=[a-z])")
_PUNCTUATION = re.compile(rf"[^\w\s{_CJK}$¥￥.\-<>]+")


def clean(text: str) -> str:
    """Lower case, NFKC, letters split from digits ("256gb" reads "256 gb"), punctuation as spaces."""
    text = normalize(text).replace("’", "")
    text = _LETTER_DIGIT.sub(" ", text)
    text = _PUNCTUATION.sub(" ", text)
    return " ".join(text.split())


def has_chinese(text: str) -> bool:
    return bool(re.search(rf"[{_CJK}]", text))


def words(text: str) -> list[str]:
    """Latin words singular, Chinese segmented by jieba (taught the catalogue's words by the search)."""
    return query_words(text)


def edit_distance(a: str, b: str, *, limit: int) -> int:
    """Levenshtein distance, stopping early once it exceeds `limit` (returns limit + 1 then)."""
    if abs(len(a) - len(b)) > limit:
        return limit + 1
    previous = list(range(len(b) + 1))
    for i, char_a in enumerate(a, 1):
        current = [i]
        for j, char_b in enumerate(b, 1):
            current.append(min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (char_a != char_b)))
        if min(current) > limit:
            return limit + 1
        previous = current
    return previous[-1]


def allowed_typos(word: str) -> int:
    if len(word) < 5:
        return 0
    return 1 if len(word) < 9 else 2


__all__ = ["allowed_typos", "clean", "edit_distance", "has_chinese", "singular", "words"]
