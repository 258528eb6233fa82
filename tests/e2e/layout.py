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


# Words of a container's text that the browser broke across lines: a word drawn as more than one
# line box ("Pe / ndi / ng"). Spaces and hyphens are where lines may break; nothing else is.
BROKEN_WORDS = """(selector) => {
    const broken = [];
    for (const root of document.querySelectorAll(selector)) {
        const walker = document.createTreeWalker(root, NodeFilter.SHOW_TEXT);
        for (let node = walker.nextNode(); node; node = walker.nextNode()) {
            const text = node.textContent;
            const words = /[^\\s\\-–]+/g;
            for (let match = words.exec(text); match; match = words.exec(text)) {
                const range = document.createRange();
                range.setStart(node, match.index);
                range.setEnd(node, match.index + match[0].length);
                const tops = new Set([...range.getClientRects()].filter(r => r.width > 0).map(r => Math.round(r.top)));
                if (tops.size > 1) broken.push(match[0]);
            }
        }
    }
    return broken.slice(0, 10);
}"""

# Elements whose content is wider than their box without a scroll bar to reach it (cut off or spilling).
OVERFLOWING = """(selector) => [...document.querySelectorAll(selector)]
    .filter(el => el.scrollWidth > el.clientWidth + 1 && !["auto", "scroll"].includes(getComputedStyle(el).overflowX))
    .slice(0, 5)
    .map(el => [el.tagName.toLowerCase(), ...el.classList].join(".") + " " + el.scrollWidth + ">" + el.clientWidth)"""


def assert_no_word_broken(page: Page, selector: str, where: str) -> None:
    broken = page.evaluate(BROKEN_WORDS, selector)
    assert not broken, f"{where}: words broken across lines in {selector}: {broken}"


def assert_nothing_cut_off(page: Page, selector: str, where: str) -> None:
    overflowing = page.evaluate(OVERFLOWING, selector)
    assert not overflowing, f"{where}: content wider than its box in {selector}: {overflowing}"


def assert_inside(inner: Locator, outer: Locator, where: str) -> None:
    """The inner element's box lies within the outer one's, horizontally (one pixel of slack)."""
    box, frame = inner.bounding_box(), outer.bounding_box()
    assert box and frame, f"{where}: not rendered"
    assert box["x"] >= frame["x"] - 1 and box["x"] + box["width"] <= frame["x"] + frame["width"] + 1, (
        f"{where}: {box} sticks out of {frame}"
    )


# Tables the floating assistant launcher lies over, each table scrolled to the bottom of the screen in turn
# (where a corner button meets it): [] when the launcher never covers a table.
UNDER_THE_LAUNCHER = """() => {
    const launcher = document.querySelector(".assistant__launcher");
    if (!launcher) return [];
    const covered = [];
    for (const table of document.querySelectorAll("main table")) {
        table.scrollIntoView({block: "end"});
        const a = launcher.getBoundingClientRect(), b = table.getBoundingClientRect();
        if (a.left < b.right && a.right > b.left && a.top < b.bottom && a.bottom > b.top) {
            covered.push((table.className || "table") + " at " + Math.round(b.right) + "px");
        }
    }
    window.scrollTo(0, 0);
    return covered;
}"""


def assert_no_table_under_the_launcher(page: Page, where: str) -> None:
    covered = page.evaluate(UNDER_THE_LAUNCHER)
    assert covered == [], f"{where}: the assistant launcher covers {covered}"
