"""Vouchers in templates: the per-line discounts of a placed order, and the codes the shop advertises."""

from __future__ import annotations

from decimal import Decimal

from django import template

from shop.vouchers.selectors import advertised_vouchers, redemptions_for_order

register = template.Library()


@register.simple_tag
def order_vouchers(order) -> dict:
    """`{% order_vouchers order as vouchers %}`: {"codes": [...], "lines": {order line id: money off}}."""
    lines: dict[int, Decimal] = {}
    codes = []
    for redemption in redemptions_for_order(order=order):
        codes.append(redemption.voucher.code)
        for line_id, amount in redemption.line_discounts.items():
            lines[int(line_id)] = lines.get(int(line_id), Decimal("0")) + Decimal(amount)
    return {"codes": codes, "lines": lines}


@register.filter
def line_discount(discounts: dict, line) -> Decimal:
    return (discounts or {}).get(line.pk, Decimal("0"))


@register.inclusion_tag("vouchers/advertised.html", takes_context=True)
def advertised_codes(context, applied=(), heading: str = "Codes for everyone") -> dict:
    """`{% advertised_codes applied=totals.vouchers %}`: the advertised codes, minus those already in the cart."""
    in_cart = {voucher.code for voucher in applied or ()}
    return {
        "vouchers": [v for v in advertised_vouchers() if v.code not in in_cart],
        "heading": heading,
        "currency": context.get("currency", ""),
    }
