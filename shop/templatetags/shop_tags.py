"""Template tags of the storefront: the category navigation and money formatting."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation

from django import template

from shop import selectors

register = template.Library()

CURRENCY_SYMBOLS = {"USD": "$", "EUR": "€", "GBP": "£", "JPY": "¥", "CNY": "¥", "INR": "₹"}


@register.inclusion_tag("shop/includes/category_nav.html", takes_context=True)
def category_nav(context) -> dict:
    request = context.get("request")
    return {"items": selectors.category_menu(), "current_path": request.path if request else ""}


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
