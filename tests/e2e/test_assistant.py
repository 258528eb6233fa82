"""The chat panel: a shopper asks in Chinese for running shoes under 500, narrows to a brand, adds one to the
cart from the panel; on a 375 px phone the panel fits the screen and opens from the keyboard."""

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


def test_a_shopper_finds_narrows_and_adds_to_cart_in_chinese(page, running_shoes):
    from shop.models import CartLine

    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page.goto("/zh-hans/")
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

    # then the cart holds it
    assert list(CartLine.objects.values_list("product_id", "quantity")) == [(running_shoes["aurora"].pk, 1)]


def test_the_panel_fits_a_phone_and_works_from_the_keyboard(new_context, running_shoes):
    page = new_context(viewport=PHONE, mobile=True).new_page()
    page.goto("/")
    launcher = page.get_by_role("button", name=re.compile("Ask us"))
    launcher.focus()
    page.keyboard.press("Enter")
    dialog = page.get_by_role("dialog", name="Shopping assistant")
    expect(dialog).to_be_visible()
    expect(page.locator("#assistant-input")).to_be_focused()
    box = dialog.bounding_box()
    assert box["x"] >= 0 and box["x"] + box["width"] <= PHONE["width"], box
    expect(ask(page, "running shoes under 100").locator(".assistant__product")).to_have_count(1)
    page.screenshot(path=str(ARTIFACTS / "assistant-phone.png"))
    page.keyboard.press("Escape")
    expect(dialog).to_be_hidden()
    expect(launcher).to_be_focused()


def test_staff_answer_a_handed_over_ticket_in_the_admin_and_the_shopper_reads_it(new_context, running_shoes, staff):
    from tests.e2e.steps import sign_in

    # given a shopper who asked for a person
    shopper = new_context().new_page()
    shopper.goto("/")
    shopper.get_by_role("button", name="Ask us").click()
    expect(ask(shopper, "I want to talk to a person")).to_contain_text("passed our conversation to a person")

    # when staff open the ticket in the admin, take it and answer
    admin = new_context().new_page()
    admin.goto("/admin/assistant/ticket/")
    sign_in(admin, username="staffer")
    admin.locator("#result_list tbody tr a").first.click()
    expect(admin.locator(".assistant-transcript")).to_contain_text("I want to talk to a person")
    admin.locator("#id_answer").fill("Hello! Our running shoes ship within two days.")
    admin.locator("input[name=_save]").click()
    expect(admin.locator("#result_list tbody tr").first).to_contain_text("Answered")

    # then the shopper's panel shows the answer when the page is opened again
    shopper.reload()
    shopper.get_by_role("button", name="Ask us").click()
    staff_message = shopper.locator(".assistant__message--staff")
    expect(staff_message).to_contain_text("Our running shoes ship within two days.", timeout=STEP_TIMEOUT_MS)
    shopper.screenshot(path=str(ARTIFACTS / "assistant-staff-answer.png"))
