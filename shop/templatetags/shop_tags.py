"""Template tags of the storefront: the category navigation and money formatting."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation

from django import template
from django.core.cache import cache

from shop import selectors

register = template.Library()

CATEGORY_NAV_CACHE_KEY = "shop:category_nav"
# Categories change rarely; a minute of staleness saves two queries on every page.
CATEGORY_NAV_TTL_SECONDS = 60
CURRENCY_SYMBOLS = {"USD": "$", "EUR": "€", "GBP": "£", "JPY": "¥", "CNY": "¥", "INR": "₹"}


def category_nav_items() -> list[dict]:
    items = cache.get(CATEGORY_NAV_CACHE_KEY)
    if items is None:
        items = [
            {
                "name": category.name,
                "slug": category.slug,
                "url": category.get_absolute_url(),
                "children": [
                    {"name": child.name, "url": child.get_absolute_url()} for child in category.children.all()
                ],
            }
            for category in selectors.category_tree()
        ]
        cache.set(CATEGORY_NAV_CACHE_KEY, items, CATEGORY_NAV_TTL_SECONDS)
    return items


@register.inclusion_tag("shop/includes/category_nav.html", takes_context=True)
def category_nav(context) -> dict:
    request = context.get("request")
    return {"items": category_nav_items(), "current_path": request.path if request else ""}


@register.filter
def money(value, currency: str = "") -> str:
    """`1234.5|money:"USD"` -> "$1,234.50"; a currency without a symbol is written after the amount."""
    if value is None or value == "":
        return ""
    try:
        amount = Decimal(str(value))
    except (InvalidOperation, ValueError):
        return str(value)
    sign = "-" if amount < 0 else ""
    digits = f"{abs(amount):,.2f}"
    symbol = CURRENCY_SYMBOLS.get(currency)
    if symbol:
        return f"{sign}{symbol}{digits}"
    return f"{sign}{digits} {currency}".strip()
