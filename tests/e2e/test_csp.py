"""The Content-Security-Policy in a real browser: the pages' own scripts run under it and it refuses nothing."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from tests.e2e.steps import sign_in, wait_for

pytestmark = pytest.mark.browser

# Installed before any script of the page: every refusal, with what was refused and where.
RECORD_VIOLATIONS = """
document.addEventListener("securitypolicyviolation", (event) => {
  const seen = JSON.parse(sessionStorage.getItem("csp-violations") || "[]");
  seen.push(`${location.pathname}: ${event.effectiveDirective} refused ${event.blockedURI || "inline"}` +
            ` (${event.sourceFile}:${event.lineNumber})`);
  sessionStorage.setItem("csp-violations", JSON.stringify(seen));
});
"""


class Violations:
    """What the browser refused in this context: the pages' securitypolicyviolation events and console reports."""

    def __init__(self, context):
        self.console: list[str] = []
        context.add_init_script(RECORD_VIOLATIONS)
        context.on("console", self._on_console)

    def _on_console(self, message) -> None:
        if "Content Security Policy" in message.text:
            self.console.append(message.text)

    def of(self, page: Page) -> list[str]:
        return page.evaluate("() => JSON.parse(sessionStorage.getItem('csp-violations') || '[]')") + self.console


def stored_clicks() -> list:
    from personalization.tracking.models import Event
    from personalization.tracking.services import events_flush

    events_flush()  # with REDIS_URL the endpoint only buffers; a no-op on the embedded default
    return list(Event.objects.filter(type="list_click"))


def test_shopper_pages_run_their_scripts_under_the_policy(new_context, shop):
    context = new_context()
    violations = Violations(context)
    page = context.new_page()

    # given: the home page, whose tracking script reads its JSON configuration
    response = page.goto("/")
    assert "content-security-policy" in response.headers
    expect(page.locator("#hero-title")).to_be_visible()

    # when: the shopper clicks a product of a personalized list
    page.locator("[data-list-id] article.product-card").first.locator("a").first.click()
    expect(page.get_by_role("heading", level=1)).to_be_visible()

    # then: the tracking script ran and its beacon was let through
    wait_for(stored_clicks, message="tracking.js sent no list_click: did the policy block it?")

    # when: they add it to the cart and pick another delivery option at the checkout
    page.get_by_role("button", name="Add to cart").click()
    expect(page).to_have_url(re.compile(r"/cart/$"))
    page.get_by_role("link", name="Go to checkout").click()
    code = page.locator("input[name=shipping_method]:not(:checked)").first.get_attribute("value")
    other = page.locator(f"input[name=shipping_method][value={code}]")
    other.check()

    # then: checkout.js showed the total of that option
    expect(page.locator("[data-summary-total]")).to_have_text(other.get_attribute("data-total-display"))
    expect(page.locator("input[name=expected_total]")).to_have_value(other.get_attribute("data-total"))

    # when: they open a category on a wide screen
    page.goto(shop["cameras"].get_absolute_url())

    # then: listing.js opened the filters, and the policy refused nothing on any of these pages
    expect(page.locator("[data-filters]")).to_have_attribute("open", "")
    assert not violations.of(page), violations.of(page)


def test_staff_pages_draw_charts_under_the_policy(new_context, staff, shop, experiment_with_results):
    context = new_context()
    violations = Violations(context)
    page = context.new_page()

    # when: staff open an experiment's results
    page.goto(f"/staff/experiments/{experiment_with_results.key}/")
    sign_in(page, username="staffer")
    expect(page.get_by_role("heading", level=1)).to_contain_text("Home layout")

    # then: Chart.js drew both charts
    wait_for(
        lambda: page.evaluate("() => typeof Chart !== 'undefined' && Object.keys(Chart.instances).length") == 2,
        timeout=10,
        message="Chart.js did not draw the two charts",
    )

    # when: they edit a product in the admin
    page.goto(f"/admin/shop/product/{shop['camera_products'][0].pk}/change/")
    expect(page.locator("#id_name_en")).to_have_value(shop["camera_products"][0].name)

    # then: the policy refused nothing
    assert not violations.of(page), violations.of(page)


@pytest.mark.parametrize("path, title", [("/api/docs/", ".swagger-ui .info .title"), ("/api/redoc/", "h1")])
def test_the_api_docs_render_under_their_policy(new_context, transactional_db, path, title):
    context = new_context()
    violations = Violations(context)
    page = context.new_page()

    page.goto(path)

    expect(page.locator(title).first).to_contain_text("Store API", timeout=30_000)
    page.wait_for_load_state("networkidle")
    assert not violations.of(page), violations.of(page)
