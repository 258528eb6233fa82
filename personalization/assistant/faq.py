"""FAQ retrieval: BM25 (bm25s) over each published entry's question, keywords and answer, per language.

The index is rebuilt in each process when an entry changes (the newest `updated_at` is part of its key),
and tokenized the way the search tokenizes (jieba for Chinese, singular Latin words).
"""

from __future__ import annotations

import threading
from dataclasses import dataclass

from django.db.models import Count, Max
from django.utils import translation

from personalization.assistant.models import FaqEntry
from personalization.assistant.text import words

# A BM25 score below this is a coincidence of common words, not an answer.
MIN_SCORE = 0.5
# Question words and fillers: they say a question is asked, not what about.
_STOP = set(
    """the a an i my me we our you your is are was it its to of for on in at by with and or can could would will do
    does did how what which when where why who much many long there any some this that be have has get please
    我 我的 你 你们 的 吗 呢 了 吧 啊 怎么 什么 多少 几 多久 可以 能 能不能 会 要 请问 是 有 有没有 哪些 如何""".split()
)
# An entry answers only if it holds at least this share of the question's words.
MIN_COVERAGE = 0.5


@dataclass(frozen=True)
class FaqMatch:
    entry_id: int
    question: str
    answer: str
    score: float


def _tokens(text: str) -> list[str]:
    return [w for w in words(text) if w not in _STOP] or ["_"]


class _Index:
    def __init__(self, language: str):
        field = language.replace("-", "_")
        self.entries = list(FaqEntry.objects.filter(is_published=True).order_by("pk"))
        documents = []
        for entry in self.entries:
            question = getattr(entry, f"question_{field}", "") or entry.question
            keywords = getattr(entry, f"keywords_{field}", "") or ""
            answer = getattr(entry, f"answer_{field}", "") or entry.answer
            # The question and keywords count twice: they say what the entry is about.
            documents.append(_tokens(f"{question} {question} {keywords} {keywords} {answer}"))
        self.vocabularies = [set(document) for document in documents]
        self.retriever = None
        if documents:
            # Imported here: bm25s brings scipy (~0.4 s), and the admin and every page import this module.
            import bm25s

            self.retriever = bm25s.BM25()
            self.retriever.index(documents, show_progress=False)

    def best(self, query: str) -> tuple[int, float] | None:
        if self.retriever is None:
            return None
        tokens = [t for t in _tokens(query) if t in self.retriever.vocab_dict]
        if not tokens:
            return None
        asked = set(_tokens(query)) - {"_"}
        results, scores = self.retriever.retrieve([tokens], k=1, show_progress=False)
        index = int(results[0][0])
        if not asked or len(asked & self.vocabularies[index]) / len(asked) < MIN_COVERAGE:
            return None
        return index, float(scores[0][0])


_lock = threading.Lock()
_indexes: dict[tuple, _Index] = {}


def _key(language: str) -> tuple:
    stats = FaqEntry.objects.aggregate(newest=Max("updated_at"), count=Count("pk"))
    return (language, stats["newest"], stats["count"])


def faq_answer(*, query: str, language: str) -> FaqMatch | None:
    key = _key(language)
    with _lock:
        index = _indexes.get(key)
        if index is None:
            _indexes.clear()
            index = _indexes[key] = _Index(language)
    found = index.best(query)
    if found is None or found[1] < MIN_SCORE:
        return None
    entry = index.entries[found[0]]
    with translation.override(language):
        return FaqMatch(entry_id=entry.pk, question=entry.question, answer=entry.answer, score=round(found[1], 3))
