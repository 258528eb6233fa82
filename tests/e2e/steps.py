"""Steps that several journeys share, written as a shopper would do them."""

from __future__ import annotations

import time
from collections.abc import Callable
from decimal import Decimal

from playwright.sync_api import Page

PASSWORD = "correct-horse-battery"


def sign_in(page: Page, *, username: str, password: str = PASSWORD) -> None:
    """Fill the sign-in form the page shows (the shop's or the admin's)."""
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(password)
    page.locator("main, #content").get_by_role("button", name="Sign in").or_(
        page.get_by_role("button", name="Log in")
    ).first.click()


def card_ids(page: Page, list_selector: str) -> list[int]:
    """Product ids of the cards of a list, in the order shown."""
    return [int(pk) for pk in page.locator(f"{list_selector} article.product-card").evaluate_all(
        "cards => cards.map(card => card.dataset.productId)"
    )]  # fmt: skip


def amount(text: str) -> Decimal:
    """ "$1,299.00" -> Decimal("1299.00")."""
    return Decimal("".join(ch for ch in text if ch.isdigit() or ch == "."))


def card_prices(page: Page, list_selector: str) -> list[Decimal]:
    return [
        amount(text) for text in page.locator(f"{list_selector} article.product-card .price__current").all_inner_texts()
    ]


def wait_for(condition: Callable[[], object], *, timeout: float = 15.0, interval: float = 0.25, message: str = ""):
    """Poll until the condition returns something truthy; that value is returned."""
    deadline = time.monotonic() + timeout
    while True:
        value = condition()
        if value:
            return value
        if time.monotonic() > deadline:
            raise AssertionError(message or "condition not met in time")
        time.sleep(interval)
