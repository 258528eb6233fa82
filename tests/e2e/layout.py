"""Layout checks that need a real rendering engine: overflow and buttons a thumb can reach."""

from __future__ import annotations

from playwright.sync_api import Locator, Page, expect

PHONE = {"width": 375, "height": 812}
DESKTOP = {"width": 1280, "height": 900}

OVERFLOW = """() => {
    const doc = document.documentElement;
    const wide = [...document.querySelectorAll("body *")]
        .filter(el => el.getBoundingClientRect().right > window.innerWidth + 1)
        .filter(el => !el.closest(".table-scroll, .visually-hidden") && getComputedStyle(el).position !== "fixed")
        .slice(0, 5)
        .map(el => [el.tagName.toLowerCase(), ...el.classList].join("."));
    return {scrollWidth: doc.scrollWidth, innerWidth: window.innerWidth, wide};
}"""

COVERED = """(el) => {
    el.scrollIntoView({block: "center", inline: "center"});
    const box = el.getBoundingClientRect();
    const x = box.left + box.width / 2, y = box.top + box.height / 2;
    // One pixel of slack for sub-pixel layout.
    const inView = box.width > 0 && box.height > 0 && box.top >= -1 && box.left >= -1
        && box.bottom <= window.innerHeight + 1 && box.right <= window.innerWidth + 1;
    const hit = document.elementFromPoint(x, y);
    const onTop = hit !== null && (hit === el || el.contains(hit));
    const where = [box.left, box.top, box.width, box.height];
    return {inView, onTop, hit: hit ? hit.outerHTML.slice(0, 120) : null, box: where};
}"""


def assert_no_horizontal_overflow(page: Page, where: str) -> None:
    result = page.evaluate(OVERFLOW)
    assert result["scrollWidth"] <= result["innerWidth"], (
        f"{where} scrolls sideways at {result['innerWidth']}px: the page is {result['scrollWidth']}px wide; "
        f"too wide: {result['wide']}"
    )


def assert_reachable(button: Locator, where: str) -> None:
    """Visible, inside the viewport once scrolled to, and the element a tap at its centre lands on."""
    expect(button).to_be_visible()
    result = button.evaluate(COVERED)
    assert result["inView"], f"{where}: the button is not inside the viewport after scrolling to it ({result['box']})"
    assert result["onTop"], f"{where}: the button is covered by {result['hit']}"
