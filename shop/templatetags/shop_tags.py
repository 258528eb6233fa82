"""Template tags of the storefront: the category navigation, product cards and money formatting."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation

from django import template
from django.template.loader import render_to_string
from django.utils import formats
from django.utils.translation import get_language

from shop import selectors
from shop.cache_versions import ProcessCache, bytes_of

register = template.Library()

CARD_BODY_TEMPLATE = "shop/includes/product_card_body.html"
CARD_BODY_BYTES = 12 * 2**20  # about 10,000 cards (1.3 kB each with its key)
_card_bodies: ProcessCache[tuple, str] = ProcessCache(max_bytes=CARD_BODY_BYTES, sizeof=bytes_of)
CENT = Decimal("0.01")
CURRENCY_SYMBOLS = {"USD": "$", "EUR": "€", "GBP": "£", "JPY": "¥", "CNY": "¥", "INR": "₹"}


@register.inclusion_tag("shop/includes/category_nav.html", takes_context=True)
def category_nav(context) -> dict:
    request = context.get("request")
    return {"items": selectors.category_menu(), "current_path": request.path if request else ""}


@register.simple_tag(takes_context=True)
def product_card_body(context, product) -> str:
    """The inside of a product card (link, picture, badges, brand, name, price), rendered once per product state.

    A card's body depends on the product, its brand, category and images, the currency and the
    language, nothing else of the page. Products served by `shop.product_cache` carry the
    catalogue version they were checked at (`shop.cache_versions`), which moves with every change
    of those relations; their bodies are kept in this process under that version, the product's
    `updated_at`, its prices and whether it is in stock. Other products are rendered every time.
    """
    currency = context.get("currency", "")
    version = getattr(product, "catalog_version", None)
    if version is None:
        return render_to_string(CARD_BODY_TEMPLATE, {"product": product, "currency": currency})
    key = (
        product.pk,
        version,
        product.updated_at,
        product.name,
        product.price,
        product.compare_at_price,
        product.in_stock,
        product.rating_average,
        product.rating_count,
        currency,
        get_language(),
    )
    body = _card_bodies.get(key)
    if body is None:
        body = render_to_string(CARD_BODY_TEMPLATE, {"product": product, "currency": currency})
        _card_bodies.put(key, body)
    return body


def forget_card_bodies() -> None:
    """Drop this process's rendered card bodies (tests; after changing the card templates in a shell)."""
    _card_bodies.clear()


@register.filter
def money(value, currency: str = "") -> str:
    """`1234.5|money:"USD"` -> "$1,234.50"; a currency without a symbol is written after the amount.

    Digits are grouped as the active language writes them (English 1,234.50; Chinese 1234.50).
    """
    if value is None or value == "":
        return ""
    try:
        amount = Decimal(str(value))
    except (InvalidOperation, ValueError):
        return str(value)
    sign = "-" if amount < 0 else ""
    digits = formats.number_format(abs(amount).quantize(CENT), decimal_pos=2, use_l10n=True, force_grouping=True)
    symbol = CURRENCY_SYMBOLS.get(currency)
    if symbol:
        return f"{sign}{symbol}{digits}"
    return f"{sign}{digits} {currency}".strip()
