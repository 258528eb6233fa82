"""What holds a review's text for staff: links and words from a small per-language list. Pure functions."""

from __future__ import annotations

import re

LINK = re.compile(r"(?i)\b(?:https?://|www\.)\S+|\b[a-z0-9-]+\.(?:com|net|org|io|cn|ru|xyz|top|shop)\b")

# Deliberately short: a list catches the obvious; staff judge the rest, and shoppers can report.
PROFANITY: dict[str, frozenset[str]] = {
    "en": frozenset({"fuck", "fucking", "shit", "bullshit", "asshole", "bastard", "bitch", "cunt", "dick"}),
    "zh-hans": frozenset({"傻逼", "他妈的", "操你", "妈的", "混蛋", "王八蛋", "贱人"}),
}
WORD = re.compile(r"[a-z']+")


def has_link(text: str) -> bool:
    return LINK.search(text) is not None


def has_profanity(text: str, *, language: str) -> bool:
    """Checks the review's language and English (shoppers mix them); Chinese words are matched as substrings."""
    lowered = text.casefold()
    words = set(WORD.findall(lowered))
    for code in {language.lower(), "en"}:
        listed = PROFANITY.get(code, frozenset())
        if code == "en":
            if words & listed:
                return True
        elif any(term in lowered for term in listed):
            return True
    return False
