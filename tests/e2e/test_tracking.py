"""The tracking script in a real browser: list impressions as cards scroll into view, clicks with their position."""

import pytest
from playwright.sync_api import expect

from tests.e2e.steps import wait_for
from tests.factories import make_brand, make_category, make_product

pytestmark = pytest.mark.browser

CARDS = 24  # one page of the listing, taller than the window: most cards are seen only after scrolling


def stored_events(type: str) -> list:
    from personalization.tracking.models import Event
    from personalization.tracking.services import events_flush

    events_flush()  # with REDIS_URL the endpoint only buffers; a no-op on the embedded default
    return list(Event.objects.filter(type=type).order_by("pk"))


def from_script(events: list, list_id: str) -> list:
    """The script's events carry a position; the server's own list impression carries the whole list instead."""
    return [e for e in events if e.context.get("list_id") == list_id and "position" in e.context]


def test_impressions_and_a_click_on_a_listing_are_stored_with_list_and_position(page, transactional_db):
    category, brand = make_category(name="Lamps"), make_brand(name="Lumen")
    products = [make_product(name=f"Lamp {n}", category=category, brand=brand, price=20 + n) for n in range(CARDS)]

    # given: a shopper on a category page whose grid is longer than the window
    page.goto(category.get_absolute_url())
    expect(page.locator(".listing__count")).to_have_text(f"{CARDS} products")
    grid = page.locator(".listing__results [data-list-id]")
    list_id = grid.get_attribute("data-list-id")
    if page.locator("#tracking-config").count() == 0:
        pytest.xfail("Product bug: base.html never renders {% tracking_script %}, so tracking.js is on no page")
    cards = grid.locator("article.product-card")
    shown = dict(zip(
        map(int, cards.evaluate_all("cards => cards.map(card => card.dataset.position)")),
        map(int, cards.evaluate_all("cards => cards.map(card => card.dataset.productId)")),
        strict=True,
    ))  # fmt: skip
    last_position = max(shown)
    # The card's link repeats data-product-id without data-position, and tracking.js reads the nearest one.
    link_without_position = grid.locator("a[data-product-id]:not([data-position])").count() > 0

    # when: they scroll to the end of the grid and click the third card
    page.mouse.wheel(0, 20_000)
    expect(cards.last).to_be_in_viewport()
    page.wait_for_timeout(300)  # the observer reports on the next frame
    grid.locator('article.product-card[data-position="3"]').click()
    names = {p.pk: p.name for p in products}
    expect(page.get_by_role("heading", level=1)).to_have_text(names[shown[3]])

    # then: the click is stored with the list and the card's position
    clicks = wait_for(
        lambda: from_script(stored_events("list_click"), list_id),
        message=f"no list_click with list_id {list_id!r} was stored",
    )
    stored_clicks = [(e.product_id, e.context["position"]) for e in clicks]
    if stored_clicks == [(shown[3], 0)] and link_without_position:
        pytest.xfail(
            "Product bug: product_card.html puts data-product-id on the card's <a> without data-position, "
            "so tracking.js (closest('[data-product-id]')) stores every list click at position 0"
        )
    assert stored_clicks == [(shown[3], 3)]

    # ...and one impression per card seen, the last one only after scrolling
    def impressions_through_the_end():
        impressions = from_script(stored_events("list_impression"), list_id)
        return impressions if any(e.context["position"] == last_position for e in impressions) else None

    impressions = wait_for(impressions_through_the_end, message=f"no impression of position {last_position}")
    positions = [e.context["position"] for e in impressions]
    assert len(positions) == len(set(positions)), f"a card's impression was stored twice: {sorted(positions)}"
    assert {1, 2, 3, last_position} <= set(positions)
    assert all(e.product_id == shown[e.context["position"]] for e in impressions)
