"""Layout at a phone and a desktop width: nothing scrolls sideways, the buttons that sell can be tapped."""

import pytest
from playwright.sync_api import expect

from tests.e2e.layout import DESKTOP, PHONE, assert_no_horizontal_overflow, assert_reachable

pytestmark = pytest.mark.browser


@pytest.mark.parametrize("viewport, mobile", [(PHONE, True), (DESKTOP, False)], ids=["phone", "desktop"])
def test_shopping_pages_fit_the_screen_and_their_buttons_can_be_tapped(new_context, shop, viewport, mobile):
    page = new_context(viewport=viewport, mobile=mobile).new_page()
    product = shop["camera_products"][2]
    width = f"{viewport['width']}px"

    page.goto("/")
    assert_no_horizontal_overflow(page, f"The home page at {width}")

    page.goto(shop["cameras"].get_absolute_url())
    expect(page.locator(".listing__count")).to_be_visible()
    assert_no_horizontal_overflow(page, f"The category page at {width}")

    page.goto(product.get_absolute_url())
    add = page.get_by_role("button", name="Add to cart")
    assert_no_horizontal_overflow(page, f"The product page at {width}")
    assert_reachable(add, f"Add to cart at {width}")
    add.click()

    expect(page.get_by_role("heading", level=1, name="Your cart")).to_be_visible()
    assert_no_horizontal_overflow(page, f"The cart page at {width}")
    to_checkout = page.get_by_role("link", name="Go to checkout")
    assert_reachable(to_checkout, f"Go to checkout at {width}")
    to_checkout.click()

    expect(page.get_by_role("heading", level=1, name="Checkout")).to_be_visible()
    assert_no_horizontal_overflow(page, f"The checkout page at {width}")
    assert_reachable(page.get_by_role("button", name="Place order"), f"Place order at {width}")
