"""Reads of the assistant for staff: the questions it could not answer, grouped, most asked first."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.utils import timezone

from personalization.assistant.models import Message
from personalization.assistant.text import clean

# A turn it could not answer: unsure what was meant, or no FAQ entry held the answer.
UNANSWERED_OUTCOMES = ("clarify", "no_faq")
HANDOVER_OUTCOME = "handover"
WINDOW = timedelta(days=90)
MAX_MESSAGES = 20_000  # the newest unanswered turns read; older ones wait for the window to move


@dataclass(frozen=True)
class UnansweredQuestion:
    key: str  # the normalized text the group shares (lower case, full-width folded, no punctuation)
    text: str  # the newest wording of it, as the shopper typed it
    language: str  # the conversation's language ("en", "zh-hans")
    count: int  # times asked, unanswered or followed by a request for a person
    handed_over: int  # of those, how many the shopper then took to a person
    last_seen: datetime


def unanswered_questions(*, now: datetime | None = None, limit: int = 50) -> list[UnansweredQuestion]:
    """The shoppers' questions the assistant could not answer with confidence, grouped by normalized text
    and language, most asked first (then the newest).

    A hand-over counts the question asked just before "talk to a person" in that conversation, not the
    request itself. Two queries, whatever the number of messages.
    """
    since = (now or timezone.now()) - WINDOW
    shopper = Message.objects.filter(author=Message.Author.SHOPPER, created_at__gte=since)
    rows = list(
        shopper.filter(payload__outcome__in=[*UNANSWERED_OUTCOMES, HANDOVER_OUTCOME])
        .order_by("-created_at", "-pk")
        .values_list("pk", "conversation_id", "text", "created_at", "payload__outcome", "conversation__language")[
            :MAX_MESSAGES
        ]
    )
    asked: dict[int, tuple] = {}  # message pk -> (text, created_at, language, handed over)
    handovers = {}
    for pk, conversation_id, text, created_at, outcome, language in rows:
        if outcome == HANDOVER_OUTCOME:
            handovers[pk] = (conversation_id, created_at)
        else:
            asked[pk] = (text, created_at, language, False)
    if handovers:
        before = (
            shopper.filter(conversation_id__in={c for c, _at in handovers.values()})
            .exclude(payload__outcome=HANDOVER_OUTCOME)
            .order_by("conversation_id", "created_at", "pk")
            .values_list("pk", "conversation_id", "text", "created_at", "conversation__language")
        )
        by_conversation: dict[object, list[tuple]] = {}
        for row in before:
            by_conversation.setdefault(row[1], []).append(row)
        for conversation_id, handed_at in handovers.values():
            earlier = [row for row in by_conversation.get(conversation_id, []) if row[3] <= handed_at]
            if earlier:
                pk, _conversation, text, created_at, language = earlier[-1]
                asked[pk] = (text, created_at, language, True)
    return _grouped(asked.values(), limit=limit)


def _grouped(asked, *, limit: int) -> list[UnansweredQuestion]:
    groups: dict[tuple[str, str], dict] = {}
    for text, created_at, language, handed_over in asked:
        key = clean(text)
        if not key:
            continue
        group = groups.setdefault((key, language), {"text": text, "count": 0, "handed_over": 0, "last": created_at})
        group["count"] += 1
        group["handed_over"] += int(handed_over)
        if created_at > group["last"]:
            group["text"], group["last"] = text, created_at
    questions = [
        UnansweredQuestion(key, g["text"], language, g["count"], g["handed_over"], g["last"])
        for (key, language), g in groups.items()
    ]
    questions.sort(key=lambda q: (-q.count, -q.last_seen.timestamp(), q.key))
    return questions[:limit]
