"""A shopper switches the store to Chinese and shops there: category, product, cart, checkout, all in Chinese."""

import re

import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import ARTIFACTS

pytestmark = pytest.mark.browser

# Words of the English interface that must not show on the Chinese pages the shopper passes through.
ENGLISH_CHROME = ["Add to cart", "Go to checkout", "Place order", "Your cart", "Search products", "Sign in"]


def shows_no_english_chrome(page) -> None:
    text = page.locator("body").inner_text()
    assert [words for words in ENGLISH_CHROME if words in text] == [], page.url


def test_a_shopper_switches_to_chinese_and_checks_out_in_chinese(page, shop):
    from shop.models import Order

    product = shop["camera_products"][1]
    ARTIFACTS.mkdir(parents=True, exist_ok=True)

    # given: the English home page
    page.goto("/")
    expect(page.locator("html")).to_have_attribute("lang", "en")

    # when: the shopper picks 简体中文 in the header's switcher
    page.locator("[data-language-switcher=header]").get_by_role("button", name="简体中文").click()

    # then: the same page, in Chinese, under /zh-hans/
    expect(page).to_have_url(re.compile(r"/zh-hans/$"))
    expect(page.locator("html")).to_have_attribute("lang", "zh-hans")
    expect(page.get_by_role("heading", name="按分类选购")).to_be_visible()
    shows_no_english_chrome(page)
    page.screenshot(path=str(ARTIFACTS / "chinese-home.png"), full_page=True)

    # when: she opens a category
    page.locator(".category-tiles").get_by_role("link", name="Cameras").click()
    expect(page).to_have_url(re.compile(r"/zh-hans/c/"))
    expect(page.locator(".listing__count")).to_have_text("5 件商品")
    expect(page.get_by_role("button", name="确定")).to_be_visible()

    # ...opens a product and adds it to the cart
    page.locator(".listing__results").get_by_role("link", name=re.compile(product.name)).click()
    expect(page).to_have_url(re.compile(rf"/zh-hans/p/{product.slug}/$"))
    expect(page.get_by_role("heading", name="商品详情")).to_be_visible()
    shows_no_english_chrome(page)
    page.get_by_role("button", name="加入购物车").click()

    # then: the cart, in Chinese
    expect(page).to_have_url(re.compile(r"/zh-hans/cart/$"))
    expect(page.locator(".messages")).to_contain_text(f"已将 {product.name} 加入购物车。")
    expect(page.get_by_role("heading", level=1, name="购物车")).to_be_visible()
    shows_no_english_chrome(page)

    # when: she checks out as a guest, paying cash on delivery
    page.get_by_role("link", name="去结算").click()
    expect(page.get_by_role("heading", level=1, name="结算")).to_be_visible()
    page.get_by_label("邮箱").fill("li.hua@example.com")
    page.get_by_label("收货人姓名").fill("李华")
    page.get_by_label("详细地址").fill("人民路 1 号")
    page.get_by_label("城市").fill("上海")
    page.get_by_label("邮政编码").fill("200000")
    page.get_by_label("国家代码").fill("CN")
    page.get_by_label("货到付款").check()
    shows_no_english_chrome(page)
    page.screenshot(path=str(ARTIFACTS / "chinese-checkout.png"), full_page=True)
    page.get_by_role("button", name="提交订单").click()

    # then: the confirmation is in Chinese and the order is placed
    expect(page.get_by_role("heading", level=1, name="感谢你的订购！")).to_be_visible()
    expect(page).to_have_url(re.compile(r"/zh-hans/checkout/done/"))
    number = page.locator("[data-order-number]").inner_text()
    assert Order.objects.get(number=number).shipping_name == "李华"
    shows_no_english_chrome(page)

    # and the choice is remembered: an English URL leads back to the Chinese page
    page.goto("/cart/")
    expect(page).to_have_url(re.compile(r"/zh-hans/cart/$"))


def test_a_shopper_searches_running_shoes_in_chinese_filters_and_checks_out(page, shop):
    from shop.models import Order
    from tests.factories import make_product

    # given: running shoes with Chinese names, of two brands
    aurora_shoe = make_product(
        name="Aurora Road Running Shoe", name_zh_hans="Aurora 公路跑鞋", category=shop["shoes"], brand=shop["aurora"]
    )
    make_product(
        name="Stride Tempo Running Shoe",
        name_zh_hans="Stride 竞速跑鞋",
        category=shop["shoes"],
        brand=shop["shoe_products"][0].brand,
    )
    ARTIFACTS.mkdir(parents=True, exist_ok=True)

    # when: the shopper switches to Chinese and searches 跑鞋 from the header
    page.goto("/")
    page.locator("[data-language-switcher=header]").get_by_role("button", name="简体中文").click()
    expect(page).to_have_url(re.compile(r"/zh-hans/$"))
    search_box = page.locator("#site-search-q")
    search_box.fill("跑鞋")
    search_box.press("Enter")

    # then: both running shoes, in Chinese
    expect(page).to_have_url(re.compile(r"/zh-hans/search/\?q="))
    results = page.locator(".listing__results")
    expect(results.get_by_role("link", name=re.compile("Aurora 公路跑鞋"))).to_be_visible()
    expect(results.get_by_role("link", name=re.compile("Stride 竞速跑鞋"))).to_be_visible()
    shows_no_english_chrome(page)

    # when: she keeps one brand
    page.get_by_label(re.compile(r"^Aurora")).check()
    page.get_by_role("button", name="确定").click()

    # then: only that brand's shoe, counted in Chinese
    expect(page.locator(".listing__count")).to_have_text("1 件商品")
    expect(results.get_by_role("link", name=re.compile("Stride 竞速跑鞋"))).to_have_count(0)
    shows_no_english_chrome(page)
    page.screenshot(path=str(ARTIFACTS / "chinese-search-running-shoes.png"), full_page=True)

    # when: she opens it, adds it to the cart and checks out as a guest
    results.get_by_role("link", name=re.compile("Aurora 公路跑鞋")).first.click()
    expect(page).to_have_url(re.compile(rf"/zh-hans/p/{aurora_shoe.slug}/$"))
    page.get_by_role("button", name="加入购物车").click()
    expect(page.locator(".messages")).to_contain_text("已将 Aurora 公路跑鞋 加入购物车。")
    page.get_by_role("link", name="去结算").click()
    page.get_by_label("邮箱").fill("wang.fang@example.com")
    page.get_by_label("收货人姓名").fill("王芳")
    page.get_by_label("详细地址").fill("中山路 8 号")
    page.get_by_label("城市").fill("南京")
    page.get_by_label("邮政编码").fill("210000")
    page.get_by_label("国家代码").fill("CN")
    page.get_by_label("货到付款").check()
    shows_no_english_chrome(page)
    page.get_by_role("button", name="提交订单").click()

    # then: the order is placed, confirmed in Chinese
    expect(page.get_by_role("heading", level=1, name="感谢你的订购！")).to_be_visible()
    number = page.locator("[data-order-number]").inner_text()
    order = Order.objects.get(number=number)
    assert (order.shipping_name, [line.product_id for line in order.lines.all()]) == ("王芳", [aurora_shoe.pk])
    shows_no_english_chrome(page)
