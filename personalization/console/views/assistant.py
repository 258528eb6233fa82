"""/staff/assistant/questions/: what shoppers ask that the assistant could not answer, so staff can write it."""

from __future__ import annotations

from urllib.parse import urlencode

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse

from personalization.assistant.selectors import WINDOW, unanswered_questions
from personalization.console.access import staff_page


@staff_page("assistant.view_conversation")
def unanswered_question_list(request: HttpRequest) -> HttpResponse:
    questions = unanswered_questions()
    languages = dict(settings.LANGUAGES)
    may_write = request.user.has_perm("assistant.add_faqentry")
    add_url = reverse("admin:assistant_faqentry_add")
    rows = [
        {
            "question": question,
            "language": languages.get(question.language, question.language),
            "faq_url": _faq_add_url(add_url, question.language, question.text) if may_write else "",
        }
        for question in questions
    ]
    context = {"console_section": "assistant", "rows": rows, "days": WINDOW.days}
    return render(request, "staff/unanswered_questions.html", context)


def _faq_add_url(add_url: str, language: str, text: str) -> str:
    """The admin's add form reads initial values from the query string: the question in its own language."""
    field = "question_" + language.replace("-", "_")
    return f"{add_url}?{urlencode({field: text})}"
