"""The console's unanswered questions: grouped by normalized text and language, counted, with an FAQ link."""

from datetime import timedelta
from urllib.parse import parse_qs, urlsplit

import pytest
from django.urls import reverse
from django.utils import timezone

from personalization.assistant.models import Conversation, Message
from personalization.assistant.selectors import unanswered_questions
from tests.factories import make_user

from .conftest import staff_with

pytestmark = pytest.mark.django_db
URL = "/staff/assistant/questions/"


def conversation(language="en"):
    return Conversation.objects.create(visitor_id="v1", language=language)


def asked(chat, text, outcome, *, ago=timedelta(0)):
    message = Message.objects.create(
        conversation=chat, author=Message.Author.SHOPPER, text=text, payload={"outcome": outcome}
    )
    Message.objects.filter(pk=message.pk).update(created_at=timezone.now() - ago)
    return message


@pytest.fixture
def questions():
    english, chinese, handed = conversation(), conversation("zh-hans"), conversation()
    asked(english, "Do you ship to Mars?", "no_faq", ago=timedelta(hours=3))
    asked(english, "do you ship to mars", "clarify", ago=timedelta(hours=2))
    asked(conversation(), "DO YOU SHIP TO MARS !!", "no_faq", ago=timedelta(hours=1))
    asked(english, "Where is my order?", "order_status")  # answered
    asked(chinese, "你们送货到火星吗？", "no_faq")
    asked(handed, "Can I pay with bitcoin", "faq", ago=timedelta(minutes=5))
    asked(handed, "talk to a person", "handover")
    asked(english, "what about the moon", "no_faq", ago=timedelta(days=100))  # before the window


def test_questions_are_grouped_by_normalized_text_and_language_most_asked_first(questions):
    found = unanswered_questions()

    assert [(q.key, q.language, q.count, q.handed_over) for q in found] == [
        ("do you ship to mars", "en", 3, 0),
        ("你们送货到火星吗", "zh-hans", 1, 0),
        ("can i pay with bitcoin", "en", 1, 1),
    ]
    assert found[0].text == "DO YOU SHIP TO MARS !!", "the newest wording represents the group"


def test_a_turn_the_engine_could_not_answer_is_listed(client):
    # given: a real turn through the API that the assistant cannot place
    client.post(
        "/api/v1/assistant/messages", {"message": "what is the meaning of life"}, content_type="application/json"
    )

    assert [q.key for q in unanswered_questions()] == ["what is the meaning of life"]


def test_staff_see_counts_last_seen_and_a_prefilled_faq_link(client, questions):
    client.force_login(staff_with("assistant.view_conversation", "assistant.add_faqentry"))

    html = client.get(URL).content.decode()

    row = html.split('data-question="你们送货到火星吗"')[1].split("</tr>")[0]
    assert "简体中文" in row and '<td class="num">1</td>' in row
    link = row.split('href="')[1].split('"')[0].replace("&amp;", "&")
    assert urlsplit(link).path == reverse("admin:assistant_faqentry_add")
    assert parse_qs(urlsplit(link).query) == {"question_zh_hans": ["你们送货到火星吗？"]}
    assert reverse("console:assistant-questions") in html.split('<nav class="console-nav"')[1].split("</nav>")[0]


def test_the_faq_link_opens_the_admin_form_with_the_question_filled_in(client, questions):
    client.force_login(make_user(username="boss", is_staff=True, is_superuser=True))
    html = client.get(URL).content.decode()
    link = html.split('data-question="do you ship to mars"')[1].split('href="')[1].split('"')[0].replace("&amp;", "&")

    form = client.get(link).content.decode()

    assert 'name="question_en"' in form and 'value="DO YOU SHIP TO MARS !!"' in form


def test_without_the_faq_permission_there_is_no_link(client, questions):
    client.force_login(staff_with("assistant.view_conversation"))

    html = client.get(URL).content.decode()

    assert "do you ship to mars" in html and reverse("admin:assistant_faqentry_add") not in html


def test_the_section_needs_its_permission(client):
    assert client.get(URL).status_code == 302
    client.force_login(make_user())
    assert client.get(URL).status_code == 403
    client.force_login(staff_with())
    assert client.get(URL).status_code == 403


def test_the_page_costs_a_bounded_number_of_queries(client, questions, django_assert_max_num_queries):
    client.force_login(staff_with("assistant.view_conversation", "assistant.add_faqentry"))
    client.get(URL)
    for n in range(20):
        chat = conversation()
        asked(chat, f"question number {n}", "no_faq")
        asked(chat, "a person please", "handover")

    with django_assert_max_num_queries(12):
        assert client.get(URL).status_code == 200


def test_the_page_speaks_chinese(client, questions):
    client.force_login(staff_with("assistant.view_conversation"))

    html = client.get("/zh-hans" + URL).content.decode()

    assert "未解答的问题" in html and "提问次数" in html
