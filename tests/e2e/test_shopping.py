"""A shopper's journeys through the storefront: browse, filter, search, cart, checkout, account."""

import re

import pytest
from playwright.sync_api import expect

from tests.e2e.steps import PASSWORD, amount, card_prices, sign_in

pytestmark = pytest.mark.browser

LISTING = ".listing__results [data-list-id]"


def test_a_guest_browses_checks_out_with_cash_on_delivery_and_finds_the_order_in_a_new_account(page, shop):
    from shop.models import Order

    travel_zoom = shop["camera_products"][1]

    # given: the home page
    page.goto("/")
    expect(page.locator("#hero-title")).to_be_visible()

    # when: the shopper opens a category from the home page
    page.locator(".category-tiles").get_by_role("link", name="Cameras").click()
    expect(page.get_by_role("heading", level=1, name="Cameras")).to_be_visible()
    expect(page.locator(".listing__count")).to_have_text("5 products")

    # ...filters by brand and price
    page.get_by_label("Lumix").check()
    page.get_by_label("Max").fill("300")
    page.get_by_role("button", name="Apply").click()
    expect(page.locator(".listing__count")).to_have_text("2 products")
    assert page.locator(f"{LISTING} .product-card__brand").all_text_contents() == ["Lumix", "Lumix"]
    assert all(price <= 300 for price in card_prices(page, LISTING))

    # ...and sorts by price
    page.get_by_label("Sort by").select_option("price_desc")
    page.get_by_role("button", name="Apply").click()
    expect(page).to_have_url(re.compile(r"sort=price_desc"))
    assert card_prices(page, LISTING) == [289, 149]

    # ...searches from the header
    page.get_by_role("combobox", name="Search products").fill("travel zoom")
    page.get_by_role("combobox", name="Search products").press("Enter")
    expect(page).to_have_url(re.compile(r"/search/\?q=travel"))
    result = page.locator(LISTING).get_by_role("link", name=re.compile("Lumix Travel Zoom"))
    expect(result).to_be_visible()

    # ...opens the product and adds it to the cart
    result.click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Lumix Travel Zoom")
    page.get_by_role("button", name="Add to cart").click()
    expect(page).to_have_url(re.compile(r"/cart/$"))
    expect(page.locator(".messages")).to_contain_text("Added Lumix Travel Zoom to your cart.")
    expect(page.locator("[data-cart-count]")).to_have_text("1")

    # ...changes the quantity
    page.get_by_label("Quantity of Lumix Travel Zoom").fill("3")
    page.get_by_role("button", name="Update").click()
    expect(page.locator(".messages")).to_contain_text("Cart updated.")
    expect(page.locator("[data-cart-count]")).to_have_text("3")
    expect(page.locator(".cart-line__total")).to_have_text("$867.00")

    # ...goes to the checkout and creates an account on the way
    page.get_by_role("link", name="Go to checkout").click()
    expect(page.get_by_role("heading", level=1, name="Checkout")).to_be_visible()
    page.locator(".checkout").get_by_role("link", name="Sign in").click()
    page.locator("main").get_by_role("link", name="Create an account").click()
    page.get_by_label("Username").fill("grace")
    page.get_by_label("Email").fill("grace@example.com")
    page.locator("#id_password1").fill(PASSWORD + "-grace")
    page.locator("#id_password2").fill(PASSWORD + "-grace")
    page.get_by_role("button", name="Create account").click()

    # then: back at the checkout, signed in, with the cart that came along
    expect(page.get_by_role("heading", level=1, name="Checkout")).to_be_visible()
    expect(page.locator(".summary__lines")).to_contain_text("3 × Lumix Travel Zoom")
    expect(page.locator("#id_email")).to_have_value("grace@example.com")

    # when: the shopper fills the address and pays cash on delivery
    page.locator("#id_name").fill("Grace Hopper")
    page.locator("#id_line1").fill("1 Main Street")
    page.locator("#id_city").fill("Springfield")
    page.locator("#id_postcode").fill("12345")
    page.locator("#id_country").fill("US")
    page.get_by_label("Cash on delivery").check()
    total = amount(page.locator("[data-summary-total]").inner_text())
    page.get_by_role("button", name="Place order").click()

    # then: the confirmation shows the order, which is stored with the shopper's choices
    expect(page.get_by_role("heading", level=1, name="Thank you for your order!")).to_be_visible()
    number = page.locator("[data-order-number]").inner_text()
    order = Order.objects.get(number=number)
    assert (order.user.username, order.payment_method, order.total) == ("grace", "cod", total)
    assert [(line.product_id, line.quantity) for line in order.lines.all()] == [(travel_zoom.pk, 3)]

    # ...and the account lists it
    page.get_by_role("link", name="See your orders").click()
    expect(page.get_by_role("heading", level=1, name="Your account")).to_be_visible()
    expect(page.locator(".orders-table")).to_contain_text(number)
    expect(page.locator("[data-cart-count]")).to_have_text("0")


def test_the_anonymous_cart_survives_signing_in(page, shop, shopper):
    from shop.services.cart import cart_add, cart_get_or_create

    compact, pocket = shop["camera_products"][0], shop["camera_products"][3]
    # given: Alice saved a camera in her cart on another device
    cart_add(cart=cart_get_or_create(user=shopper, session_key=None), product_id=pocket.pk, quantity=1)

    # when: not yet signed in, she adds another camera on this browser
    page.goto(compact.get_absolute_url())
    page.get_by_label("Quantity").fill("2")
    page.get_by_role("button", name="Add to cart").click()
    expect(page.locator("[data-cart-count]")).to_have_text("2")

    # ...and signs in from the header
    page.locator(".account-nav").get_by_role("link", name="Sign in").click()
    sign_in(page, username="alice")

    # then: she is back on the cart page, and the cart holds both cameras
    expect(page).to_have_url(re.compile(r"/cart/$"))
    expect(page.locator(".account-nav")).to_contain_text("Account")
    expect(page.locator("[data-cart-count]")).to_have_text("3")
    lines = page.locator(".cart-line")
    expect(lines).to_have_count(2)
    expect(lines.filter(has_text="Lumix Compact").get_by_label("Quantity of Lumix Compact")).to_have_value("2")
    expect(lines.filter(has_text="Aurora Pocket").get_by_label("Quantity of Aurora Pocket")).to_have_value("1")

    # when: she signs out, the browser's cart is empty; signing in again brings the cart back
    page.locator(".account-nav").get_by_role("button", name="Sign out").click()
    expect(page.locator("[data-cart-count]")).to_have_text("0")
    page.goto("/account/login/?next=/cart/")
    sign_in(page, username="alice")
    expect(page.locator("[data-cart-count]")).to_have_text("3")
