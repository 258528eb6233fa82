"""Vouchers in templates: the per-line discounts of a placed order."""

from __future__ import annotations

from decimal import Decimal

from django import template

from shop.vouchers.selectors import redemptions_for_order

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
