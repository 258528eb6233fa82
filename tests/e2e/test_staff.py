"""Staff journeys: experiment results with their charts drawn, and orders in the admin."""

import re

import pytest
from playwright.sync_api import expect

from tests.e2e.steps import sign_in, wait_for

pytestmark = pytest.mark.browser

# Drawn pixels of a canvas (alpha > 0); a chart with axes, labels and lines has thousands.
DRAWN_PIXELS = """(id) => {
    const canvas = document.getElementById(id);
    const pixels = canvas.getContext("2d").getImageData(0, 0, canvas.width, canvas.height).data;
    let drawn = 0;
    for (let i = 3; i < pixels.length; i += 4) if (pixels[i] > 0) drawn++;
    return {width: canvas.width, height: canvas.height, drawn};
}"""


def test_staff_sees_experiment_results_with_charts_and_a_shopper_is_refused(
    new_context, staff, shopper, experiment_with_results
):
    # given: staff, not signed in yet, opens the experiments
    page = new_context().new_page()
    page.goto("/staff/experiments/")
    expect(page).to_have_url(re.compile(r"/account/login/\?next=/staff/experiments/"))
    sign_in(page, username="staffer")

    # when: they open the experiment from the list
    expect(page.get_by_role("heading", level=1)).to_contain_text("Experiments")
    page.get_by_role("link", name=re.compile("Home layout")).first.click()

    # then: the results table and both charts are drawn
    expect(page.get_by_role("heading", level=1)).to_contain_text("Home layout")
    expect(page.locator('tr[data-variant="grid"]')).to_contain_text("30")
    expect(page.locator('tr[data-variant="editorial"]')).to_contain_text("30")
    wait_for(
        lambda: page.evaluate("() => typeof Chart !== 'undefined' && Object.keys(Chart.instances).length") == 2,
        timeout=10,
        message="Chart.js did not draw the two charts",
    )
    for canvas_id in ("experiment-conversion-chart", "experiment-lift-chart"):
        canvas = page.locator(f"#{canvas_id}")
        canvas.scroll_into_view_if_needed()
        box = canvas.bounding_box()
        assert box and box["width"] > 100 and box["height"] > 50, f"{canvas_id} has no room: {box}"
        drawn = wait_for(
            lambda canvas_id=canvas_id: (result := page.evaluate(DRAWN_PIXELS, canvas_id))["drawn"] > 500 and result,
            timeout=10,
            message=f"{canvas_id} stayed blank",
        )
        assert drawn["width"] > 0 and drawn["height"] > 0

    # when: a signed-in shopper tries the same pages, they are refused
    shopper_page = new_context().new_page()
    shopper_page.goto("/account/login/")
    sign_in(shopper_page, username="alice")
    expect(shopper_page.get_by_role("heading", level=1)).to_have_text("Your account")
    for path in ("/staff/experiments/", "/staff/experiments/home-layout/"):
        response = shopper_page.goto(path)
        assert response.status == 403, f"a shopper got {response.status} on {path}"


@pytest.fixture
def placed_order(shop, shopper):
    from shop import selectors
    from shop.models import ShippingMethod, new_idempotency_key
    from shop.pricing import compute_totals
    from shop.services.cart import cart_add, cart_get_or_create
    from shop.services.orders import ShippingAddress, order_place

    cart = cart_get_or_create(user=shopper, session_key=None)
    cart_add(cart=cart, product_id=shop["camera_products"][0].pk, quantity=2)
    standard = ShippingMethod.objects.get(code="standard")
    return order_place(
        cart=cart,
        user=shopper,
        email=shopper.email,
        address=ShippingAddress(name="Alice Doe", line1="1 Main Street", city="Springfield", postcode="12345"),
        shipping_method_code=standard.code,
        payment_method="cod",
        idempotency_key=new_idempotency_key(),
        expected_total=compute_totals(selectors.cart_lines(cart=cart), shipping_method=standard).total,
    )


def test_staff_finds_the_order_in_the_admin(page, staff, placed_order):
    # given: staff signs in to the admin
    page.goto("/admin/")
    sign_in(page, username="staffer")

    # when: they open Shop > Orders
    shop_module = page.locator("#content-main .module", has=page.get_by_role("link", name="Shop", exact=True))
    shop_module.get_by_role("link", name="Orders", exact=True).click()

    # then: the order is listed, and opens with its lines
    expect(page.get_by_role("heading", level=1)).to_contain_text("order")
    row = page.locator("#result_list tbody tr", has_text=placed_order.number)
    expect(row).to_contain_text("alice")
    row.get_by_role("link", name=placed_order.number).click()
    expect(page.locator("#content")).to_contain_text(placed_order.number)
    expect(page.locator("#content")).to_contain_text("Lumix Compact")
