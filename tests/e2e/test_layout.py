"""Layout at a phone and a desktop width: nothing scrolls sideways, the buttons that sell can be tapped."""

import pytest
from playwright.sync_api import expect

from tests.e2e.layout import (
    DESKTOP,
    PHONE,
    assert_inside,
    assert_no_horizontal_overflow,
    assert_no_table_under_the_launcher,
    assert_no_word_broken,
    assert_reachable,
)
from tests.e2e.steps import sign_in

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


@pytest.fixture
def shopper_with_orders(shop, shopper):
    """Alice with two orders, one still pending: the account's order table has a status badge per row."""
    from shop import selectors
    from shop.models import ShippingMethod, new_idempotency_key
    from shop.pricing import compute_totals
    from shop.services.cart import cart_add, cart_get_or_create
    from shop.services.orders import ShippingAddress, order_place

    standard = ShippingMethod.objects.get(code="standard")
    for product in shop["camera_products"][:2]:
        cart = cart_get_or_create(user=shopper, session_key=None)
        cart_add(cart=cart, product_id=product.pk, quantity=1)
        order_place(
            cart=cart,
            user=shopper,
            email=shopper.email,
            address=ShippingAddress(name="Alice Doe", line1="1 Main Street", city="Springfield", postcode="12345"),
            shipping_method_code=standard.code,
            payment_method="cod",
            idempotency_key=new_idempotency_key(),
            expected_total=compute_totals(selectors.cart_lines(cart=cart), shipping_method=standard).total,
        )
    return shopper


@pytest.fixture
def many_categories(shop):
    """Enough top-level categories that the category bar is wider than a phone."""
    from tests.factories import make_category, make_product

    names = ["Outdoor Equipment", "Kitchen Appliances", "Home Furnishing", "Books and Magazines", "Garden Tools"]
    categories = [make_category(name=name) for name in names]
    for category in categories:
        make_product(name=f"{category.name} Sample", category=category, price="19.00", stock=5)
    return categories


def test_signed_in_header_account_orders_and_category_bar_fit_a_phone(
    new_context, shopper_with_orders, many_categories
):
    # given: Alice signed in on a 375 px phone
    page = new_context(viewport=PHONE, mobile=True).new_page()
    page.goto("/account/login/")
    sign_in(page, username="alice")
    expect(page.get_by_role("heading", level=1)).to_have_text("Your account")

    # then: the shop's name is whole in the header, not "N…"
    name = page.locator(".brand-mark span")
    shown, needed = name.evaluate("el => [el.clientWidth, el.scrollWidth]")
    assert needed <= shown + 1, f"the shop name is cut to {shown}px of the {needed}px it needs"
    assert_no_word_broken(page, ".brand-mark", "The signed-in header at 375px")
    assert_no_horizontal_overflow(page, "The account page at 375px")

    # and: the order table keeps every word whole ("Pending", not "Pe ndi ng") and fits the screen
    expect(page.locator(".orders-table tbody tr")).to_have_count(2)
    assert_no_word_broken(page, ".orders-table", "The account's order table at 375px")
    assert_inside(page.locator(".orders-table"), page.locator("#main"), "The account's order table at 375px")

    # and: every category tab is on screen, the last one too, without scrolling the bar sideways
    bar = page.locator(".category-nav ul")
    assert bar.evaluate("el => el.scrollWidth <= el.clientWidth + 1"), "the category bar hides tabs past its edge"
    last = bar.locator("li").last
    expect(last).to_contain_text("Shoes")
    assert_inside(last, page.locator(".category-nav"), "The last category tab at 375px")
    box = last.bounding_box()
    assert box["x"] + box["width"] <= PHONE["width"], f"the last category tab ends at {box['x'] + box['width']}px"


def test_the_assistant_launcher_covers_no_order_table_at_1024px(new_context, shopper_with_orders):
    # A laptop's short window: the order table scrolls past the corner where the launcher floats.
    page = new_context(viewport={"width": 1024, "height": 480}).new_page()
    page.goto("/account/login/")
    sign_in(page, username="alice")
    expect(page.locator(".orders-table tbody tr")).to_have_count(2)
    assert_no_table_under_the_launcher(page, "The account page at 1024px")


@pytest.mark.parametrize("viewport, mobile", [(PHONE, True), (DESKTOP, False)], ids=["phone", "desktop"])
def test_the_shops_404_page_fits_the_screen_and_offers_a_search(new_context, shop, viewport, mobile):
    page = new_context(viewport=viewport, mobile=mobile).new_page()
    response = page.goto("/no-such-page/")
    assert response.status == 404
    expect(page.get_by_role("heading", level=1)).to_have_text("We couldn't find that page")
    assert_no_horizontal_overflow(page, f"The 404 page at {viewport['width']}px")
    page.locator("#error-search-q").fill("Lumix")
    page.locator(".error-page__search").get_by_role("button", name="Search").click()
    expect(page.locator("main")).to_contain_text("Lumix Compact")
