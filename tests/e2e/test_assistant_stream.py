"""The chat panel asks for a streamed reply and shows it, through the live server's whole stack (CSP included)."""

import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import STEP_TIMEOUT_MS
from tests.factories import make_category, make_product

pytestmark = pytest.mark.browser


def test_the_panel_reads_the_reply_as_a_stream(page, transactional_db):
    shoes = make_category(name="Running shoes")
    make_product(name="Tempo Running Shoes", category=shoes, price="89.00", stock=5)
    problems = []
    page.on("console", lambda message: problems.append(message.text) if message.type == "error" else None)
    page.goto("/")
    page.get_by_role("button", name="Ask us").click()

    with page.expect_response(lambda r: r.url.endswith("/api/v1/assistant/messages")) as answered:
        page.locator("#assistant-input").fill("running shoes")
        page.locator("#assistant-input").press("Enter")

    assert answered.value.headers["content-type"].startswith("text/event-stream")
    messages = page.locator(".assistant__message--assistant")
    expect(messages.locator(".assistant__product")).to_have_count(1, timeout=STEP_TIMEOUT_MS)
    expect(messages).to_have_count(2)  # the greeting, then the streamed message that became the whole reply
    expect(messages.nth(1)).to_contain_text("Tempo Running Shoes")
    assert not problems, problems
