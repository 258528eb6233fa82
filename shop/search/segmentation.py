"""Text to search tokens, the same way for a product's document and a shopper's query.

Latin words are lower-cased, split from digits (`512GB` and `512 GB` both read `512 gb`) and
reduced to a singular (`cameras` reads `camera`). Chinese runs are segmented with jieba;
a document also keeps every single character, so one-character queries (`鞋`, `包`) find the
words that contain them, and the pinyin of every Chinese word (`相机` also reads `xiangji`), so
a shopper without a Chinese keyboard finds it too.
"""

from __future__ import annotations

import logging
import re
import threading
import unicodedata
from collections.abc import Iterable

import jieba

_CJK = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]+")
_RUN = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]+|[a-z]+|[0-9]+(?:\.[0-9]+)?")
# Endings that are not plurals: "glass", "bus", "iris", "lens", "series".
_NOT_PLURAL = ("ss", "us", "is", "ns", "series", "news")

_jieba_lock = threading.Lock()
_jieba_words: frozenset[str] = frozenset()


def normalize(text: str) -> str:
    """NFKC (full-width letters and digits become ASCII), lower case, `&` and quotes dropped."""
    return unicodedata.normalize("NFKC", text or "").lower().replace("'", "")


def query_key(query: str) -> str:
    """A query as search keeps what it learned about it: normalized, whitespace collapsed."""
    return " ".join(normalize(query).split())


def singular(word: str) -> str:
    if len(word) <= 3 or not word.isascii() or not word.isalpha() or word.endswith(_NOT_PLURAL):
        return word
    if word.endswith("ies") and len(word) > 4:
        return word[:-3] + "y"
    if word.endswith(("ches", "shes", "xes", "sses", "zes")):
        return word[:-2]
    if word.endswith("s"):
        return word[:-1]
    return word


def is_chinese(token: str) -> bool:
    return bool(_CJK.fullmatch(token))


def pinyin(word: str) -> str:
    # Imported at the first Chinese word: its dictionaries cost ~0.15 CPU-seconds of every process start (the
    # admin, the URLconf and every command import this module), and only indexing and searching need them.
    from pypinyin import lazy_pinyin

    return "".join(lazy_pinyin(word))


def dictionary_words_add(words: Iterable[str]) -> None:
    """Teach jieba the catalogue's own words (brand and category names), once per process and word."""
    global _jieba_words
    new = {word for word in (normalize(w).strip() for w in words) if _CJK.search(word)} - _jieba_words
    if not new:
        return
    with _jieba_lock:
        _initialise_jieba()
        for word in sorted(new):
            jieba.add_word(word, freq=2000)
        _jieba_words = _jieba_words | new


_initialised = False


def _initialise_jieba() -> None:
    global _initialised
    if not _initialised:
        jieba.setLogLevel(logging.WARNING)  # it prints its dictionary's loading time otherwise
        jieba.initialize()
        _initialised = True


def _chinese_words(run: str, *, for_search: bool) -> list[str]:
    with _jieba_lock:
        _initialise_jieba()
    cut = jieba.cut_for_search(run) if for_search else jieba.cut(run)
    return [word for word in cut if word.strip()]


def document_tokens(text: str) -> list[str]:
    """The tokens a document holds for this text: words, their parts and characters, pinyin."""
    tokens: list[str] = []
    for run in _RUN.findall(normalize(text)):
        if is_chinese(run):
            words = _chinese_words(run, for_search=True)
            tokens.extend(words)
            tokens.extend(pinyin(word) for word in words if len(word) > 1)
            tokens.extend(char for char in run if len(run) > 1)
        else:
            tokens.append(singular(run))
    return tokens


def query_words(text: str, *, as_typed: bool = False) -> list[str]:
    """A query's words in order: Chinese segmented as a whole (the shopper's words), Latin singular.

    `as_typed`: Latin words as typed (plurals kept), word for word the same list otherwise.
    """
    words: list[str] = []
    for run in _RUN.findall(normalize(text)):
        if is_chinese(run):
            words.extend(_chinese_words(run, for_search=False))
        else:
            words.append(run if as_typed else singular(run))
    return words


def chinese_parts(word: str) -> list[str]:
    """Smaller words of a Chinese word the catalogue does not know, or its characters."""
    parts = [part for part in _chinese_words(word, for_search=True) if part != word]
    covered = "".join(parts)
    return parts if parts and all(char in covered for char in word) else list(word)
