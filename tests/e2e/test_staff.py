"""Staff journeys: the console readable at 1280 and 1024 px, its charts drawn, a model promoted; orders in the admin."""

import re

import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import ARTIFACTS
from tests.e2e.layout import (
    DESKTOP,
    assert_no_horizontal_overflow,
    assert_no_table_under_the_launcher,
    assert_no_word_broken,
    assert_nothing_cut_off,
)
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


LAPTOP = {"width": 1024, "height": 768}


@pytest.fixture
def console_data(shop, experiment_with_results):
    """What every console section shows: an experiment with results, a champion and a challenger with a
    training curve, a coupon campaign and an ad campaign, events of the last hour and a dead letter."""
    import uuid
    from datetime import timedelta
    from decimal import Decimal

    from django.utils import timezone

    from personalization.ads.models import AdCampaign, PromotedProduct
    from personalization.offers.models import CouponCampaign
    from personalization.recommendations.models import ModelVersion
    from personalization.tracking.models import DeadLetterEvent, Event

    segments = {"new": {"users": 12, "NDCG@10": 0.21, "HR@10": 0.4}, "returning": {"users": 30, "NDCG@10": 0.33}}
    champion = ModelVersion.objects.create(
        kind="sasrec", status="champion", metrics={"NDCG@10": 0.31, "HR@10": 0.52, "MRR": 0.2}, device="cpu"
    )
    challenger = ModelVersion.objects.create(
        kind="sasrec",
        status="candidate",
        metrics={"NDCG@10": 0.35, "HR@10": 0.55, "MRR": 0.24, "Recall@20": 0.61, "segments": segments},
        champion_metrics={"NDCG@10": 0.30, "HR@10": 0.5, "MRR": 0.19, "Recall@20": 0.58, "segments": segments},
        progress={
            "epoch": 4,
            "of": 4,
            "loss": 2.2,
            "curve": [[1, 5.1, 0.12], [2, 3.9, 0.2], [3, 2.8, 0.27], [4, 2.2, 0.3]],
        },
        config={"device": "cpu", "seed": 0, "model": {"hidden": 64, "heads": 2, "dropout": 0.2}},
        snapshot={"users": 40, "items": 12, "interactions": 480},
        decision="Kept champion: NDCG@10 0.3500 vs 0.3000 (needs +1%).",
        device="cpu",
        duration_seconds=12.5,
        # Promotion needs a stored artifact; it never reads the file.
        artifact="models/sasrec-challenger.pt",
    )
    CouponCampaign.objects.create(
        key="spring-treat", name="Spring treat for returning shoppers", status="active", budget=Decimal("1000.00"),
        discount_kind="fixed", discount_value=Decimal("5.00"), holdout_percent=20, targeting="everyone", salt="s",
    )  # fmt: skip
    ad = AdCampaign.objects.create(
        name="Lumix autumn cameras", advertiser="Lumix", status="active", max_cpc=Decimal("1.00"),
        daily_budget=Decimal("50.00"), total_budget=Decimal("500.00"),
    )  # fmt: skip
    PromotedProduct.objects.create(campaign=ad, product=shop["camera_products"][0])
    now = timezone.now()
    Event.objects.bulk_create(
        Event(uuid=uuid.uuid4(), type="page_view", timestamp=now - timedelta(minutes=n % 50),
              recorded_at=now - timedelta(minutes=n % 50), visitor_id=f"v{n}")
        for n in range(120)
    )  # fmt: skip
    DeadLetterEvent.objects.create(raw="{}", digest="0" * 64, reason="a test letter")
    from personalization.assistant.models import Conversation, Message

    for language, text in (
        ("en", "Do you deliver to the Faroe Islands on Sundays?"),
        ("zh-hans", "周日能送货到法罗群岛吗？"),
    ):
        chat = Conversation.objects.create(visitor_id="v1", language=language)
        Message.objects.create(conversation=chat, author="shopper", text=text, payload={"outcome": "no_faq"})
    return {"champion": champion, "challenger": challenger}


def test_every_console_table_is_readable_at_1280_and_1024(new_context, staff, console_data):
    # given: staff signed in (one page for both widths: the data and the sign-in are set up once)
    page = new_context(viewport=DESKTOP).new_page()
    page.goto("/staff/")
    sign_in(page, username="staffer")
    expect(page.get_by_role("heading", level=1)).to_have_text("Staff console")
    challenger = console_data["challenger"]

    pages = [
        ("/staff/experiments/", "Experiments"),
        ("/staff/experiments/home-layout/", "Home layout"),
        ("/staff/models/", "Model versions"),
        (f"/staff/models/{challenger.pk}/", f"v{challenger.pk}"),
        ("/staff/campaigns/", "Campaigns and ads"),
        ("/staff/tracking/", "Tracking health"),
        ("/staff/assistant/questions/", "Unanswered questions"),
    ]
    for viewport in (DESKTOP, LAPTOP):
        page.set_viewport_size(viewport)
        width = f"{viewport['width']}px"
        for path, heading in pages:
            # when: they open each section from the console
            page.goto(path)
            expect(page.get_by_role("heading", level=1)).to_contain_text(heading)
            expect(page.locator(".console-nav a[aria-current='page']")).to_have_count(1)
            where = f"{path} at {width}"
            shot = f"console-{viewport['width']}-{path.strip('/').replace('/', '-')}.png"
            page.screenshot(path=str(ARTIFACTS / shot), full_page=True)

            # then: no heading or cell breaks a word, no table needs a sideways scroll, the page fits, and the
            # assistant's launcher lies over no table
            tables = page.locator("table.data-table")
            assert tables.count() > 0, f"{where}: no table"
            assert_no_word_broken(page, ".console table.data-table th", where)
            assert_no_word_broken(page, ".console table.data-table .status", where)
            assert_nothing_cut_off(page, ".console .table-scroll, .console table.data-table", where)
            assert page.evaluate(FITS, ".console .table-scroll") == [], f"{where}: a table is wider than the page"
            assert_no_horizontal_overflow(page, where)
            assert_no_table_under_the_launcher(page, where)

    # and: variants by name, never as raw dicts
    page.goto("/staff/experiments/home-layout/")
    expect(page.locator('tr[data-variant="editorial"] th')).to_contain_text("Editorial")
    expect(page.locator(".console")).not_to_contain_text("{'layout'")


# Tables whose content is wider than their scroll box: readable only by scrolling sideways.
FITS = """(selector) => [...document.querySelectorAll(selector)]
    .filter(el => el.scrollWidth > el.clientWidth + 1)
    .map(el => el.querySelector("table").className + " " + el.scrollWidth + ">" + el.clientWidth)"""


def test_the_console_draws_its_charts_and_staff_promote_the_challenger(page, staff, console_data):
    # One setup for both charts: tracking health's events per minute, then a model's training curve.
    from personalization.recommendations.registry import champion

    page.goto("/staff/tracking/")
    sign_in(page, username="staffer")
    expect(page.locator('[data-health="dead-letters"] .console-figure')).to_have_text("1")
    wait_for(
        lambda: page.evaluate(DRAWN_PIXELS, "tracking-events-chart")["drawn"] > 500,
        timeout=10,
        message="the events chart stayed blank",
    )

    challenger = console_data["challenger"]
    page.goto(f"/staff/models/{challenger.pk}/")

    # then: the metrics sit beside the champion's and the curve is drawn by Chart.js
    expect(page.locator('tr[data-metric="NDCG@10"]')).to_contain_text("+0.0500")
    wait_for(
        lambda: page.evaluate(DRAWN_PIXELS, "model-training-chart")["drawn"] > 500,
        timeout=10,
        message="the training curve stayed blank",
    )

    # when: they promote it
    page.get_by_role("button", name="Promote to champion").click()

    # then: it serves pages, and the page says so
    expect(page.locator(".messages")).to_contain_text(f"Version {challenger.pk} now serves pages.")
    assert champion("sasrec") == challenger
