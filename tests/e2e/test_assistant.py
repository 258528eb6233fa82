"""The chat panel: a signed-in shopper asks in Chinese for running shoes under 500, narrows to a brand, adds one
to the cart from the panel, asks where her last order is and hands over to a person, whom staff answer in the
admin; on a 375 px phone the panel fits the screen, opens from the keyboard, and a click on its card is tracked.

One test per browser journey: each test pays a fresh store, browser context and database flush, so the shopper's
whole conversation is one test. The page opened is the cart, a light one: the panel is on every page, and the
home page's rows would only add a cold recommendation pass to each test.
"""

import re

import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import ARTIFACTS, STEP_TIMEOUT_MS
from tests.e2e.layout import PHONE
from tests.factories import make_product

pytestmark = pytest.mark.browser


@pytest.fixture
def running_shoes(transactional_db):
    from shop.models import Brand, Category

    shoes = Category.objects.create(
        name_en="Shoes",
        name_zh_hans="鞋类",
        slug="shoes",
        description_en="Sneakers, boots and running shoes.",
        description_zh_hans="休闲鞋、靴子和跑鞋。",
    )
    brands = {
        slug: Brand.objects.create(name_en=name, name_zh_hans=f"{zh}（{name}）", slug=slug)
        for slug, name, zh in (("aurora", "Aurora", "极光"), ("stridewell", "Stridewell", "步履"))
    }
    products = {}
    for key, brand, price, zh in (
        ("aurora", "aurora", "129.00", "极光 轻量跑鞋"),
        ("stridewell", "stridewell", "89.00", "步履 缓震跑鞋"),
        ("dear", "aurora", "650.00", "极光 碳板跑鞋"),
    ):
        products[key] = make_product(
            name=f"{brands[brand].name_en} Running Shoes {key}",
            name_zh_hans=zh,
            category=shoes,
            brand=brands[brand],
            price=price,
            stock=5,
        )
    return products


def ask(page, text: str):
    """Sends `text` and waits for the panel's answer to it; returns that answer."""
    replies = page.locator(".assistant__message--assistant")
    before = replies.count()
    page.locator("#assistant-input").fill(text)
    page.locator("#assistant-input").press("Enter")
    expect(replies).to_have_count(before + 1, timeout=STEP_TIMEOUT_MS)
    return replies.nth(before)


def signed_in(context, user, live_server) -> None:
    """The browser context carries the user's session, as after the sign-in form (which other tests drive)."""
    from django.conf import settings
    from django.test import Client

    client = Client()
    client.force_login(user)
    session = client.cookies[settings.SESSION_COOKIE_NAME].value
    context.add_cookies([{"name": settings.SESSION_COOKIE_NAME, "value": session, "url": live_server.url}])


def test_a_shopper_finds_narrows_adds_asks_for_her_order_and_a_person_answers(
    new_context, live_server, running_shoes, shopper, staff, address
):
    from shop.models import CartLine
    from tests.e2e.steps import sign_in
    from tests.factories import place_order

    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    order = place_order(user=shopper, address=address, products=[running_shoes["stridewell"]], idempotency_key="e2e-1")
    page = new_context().new_page()
    signed_in(page.context, shopper, live_server)
    page.goto("/zh-hans/cart/")
    page.get_by_role("button", name="咨询我们").click()
    expect(page.get_by_role("dialog", name="购物助手")).to_be_visible()

    # when she asks for running shoes under 500
    found = ask(page, "500元以内的跑鞋")
    expect(found.locator(".assistant__product")).to_have_count(2)
    expect(found).not_to_contain_text("碳板")  # 650: above her budget

    # ...narrows to one brand
    narrowed = ask(page, "只要极光的")
    expect(narrowed.locator(".assistant__product")).to_have_count(1)
    expect(narrowed).to_contain_text("极光 轻量跑鞋")

    # ...and adds it from the panel, confirming with the button
    proposal = ask(page, "把第一个加入购物车")
    expect(proposal).to_contain_text("加入购物车？")
    replies = page.locator(".assistant__message--assistant")
    answered = replies.count()
    proposal.get_by_role("button", name="是").click()
    expect(replies).to_have_count(answered + 1, timeout=STEP_TIMEOUT_MS)
    expect(replies.nth(answered)).to_contain_text("已将 极光 轻量跑鞋 加入购物车")
    page.screenshot(path=str(ARTIFACTS / "assistant-added.png"))
    assert list(CartLine.objects.filter(cart__user=shopper).values_list("product_id", "quantity")) == [
        (running_shoes["aurora"].pk, 1)
    ]

    # ...asks where her last order is: her own order, by number and status
    status = ask(page, "我的订单到哪了")
    expect(status).to_contain_text(f"订单 {order.number}")

    # ...and asks for a person
    expect(ask(page, "转人工")).to_contain_text("已为您转接人工客服")

    # when staff open the ticket in the admin, take it and answer
    admin = new_context().new_page()
    admin.goto("/admin/assistant/ticket/")
    sign_in(admin, username="staffer")
    admin.locator("#result_list tbody tr a").first.click()
    expect(admin.locator(".assistant-transcript")).to_contain_text("转人工")
    admin.locator("#id_answer").fill("Hello! Our running shoes ship within two days.")
    admin.locator("input[name=_save]").click()
    expect(admin.locator("#result_list tbody tr").first).to_contain_text("Answered")

    # then her panel shows the answer when the page is opened again
    page.reload()
    page.get_by_role("button", name="咨询我们").click()
    staff_message = page.locator(".assistant__message--staff")
    expect(staff_message).to_contain_text("Our running shoes ship within two days.", timeout=STEP_TIMEOUT_MS)
    page.screenshot(path=str(ARTIFACTS / "assistant-staff-answer.png"))


def test_the_panel_fits_a_phone_works_from_the_keyboard_and_its_cards_are_tracked(new_context, running_shoes):
    from personalization.assistant.models import Message
    from personalization.tracking.models import Event
    from personalization.tracking.services import events_flush
    from tests.e2e.steps import wait_for

    page = new_context(viewport=PHONE, mobile=True).new_page()
    page.goto("/cart/")
    launcher = page.get_by_role("button", name=re.compile("Ask us"))
    launcher.focus()
    page.keyboard.press("Enter")
    dialog = page.get_by_role("dialog", name="Shopping assistant")
    expect(dialog).to_be_visible()
    expect(page.locator("#assistant-input")).to_be_focused()
    box = dialog.bounding_box()
    assert box["x"] >= 0 and box["x"] + box["width"] <= PHONE["width"], box
    reply = ask(page, "running shoes under 100")
    expect(reply.locator(".assistant__product")).to_have_count(1)
    page.screenshot(path=str(ARTIFACTS / "assistant-phone.png"))
    page.keyboard.press("Escape")
    expect(dialog).to_be_hidden()
    expect(launcher).to_be_focused()

    # when the shopper opens the panel again and follows the card
    page.keyboard.press("Enter")
    reply.locator(".assistant__product a").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(running_shoes["stridewell"].name)

    # then the click is a list click on the assistant's list, as on every other product list
    list_id = Message.objects.filter(author="assistant").exclude(payload__list_id="").get().payload["list_id"]

    def clicks():
        events_flush()  # with REDIS_URL the endpoint only buffers
        return list(Event.objects.filter(type="list_click", context__list_id=list_id))

    stored = wait_for(clicks, message=f"no list_click with the assistant's list id {list_id!r}")
    assert [(e.product_id, e.context["position"]) for e in stored] == [(running_shoes["stridewell"].pk, 1)]
