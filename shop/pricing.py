"""Totals computed by the server from current catalog prices; the browser's numbers are never used."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from decimal import ROUND_HALF_UP, Decimal

from django.utils.translation import gettext as _

from shop.models import CartLine, Product, ShippingMethod
from shop.vouchers.pricing import VoucherDiscount, VoucherTerms, apply_vouchers

CENT = Decimal("0.01")


def money(value: Decimal) -> Decimal:
    return value.quantize(CENT, rounding=ROUND_HALF_UP)


@dataclass(frozen=True)
class PricedLine:
    product: Product
    quantity: int
    unit_price: Decimal
    line_total: Decimal
    available: bool
    problem: str = ""
    discount: Decimal = Decimal("0.00")  # what vouchers take off this line

    @property
    def discounted_total(self) -> Decimal:
        return self.line_total - self.discount


@dataclass(frozen=True)
class Totals:
    lines: tuple[PricedLine, ...]
    subtotal: Decimal
    discount: Decimal
    shipping: Decimal
    total: Decimal
    item_count: int
    vouchers: tuple[VoucherDiscount, ...] = ()

    @property
    def shipping_discount(self) -> Decimal:
        return sum((voucher.shipping_amount for voucher in self.vouchers), Decimal("0.00"))

    @property
    def has_problems(self) -> bool:
        return any(not line.available for line in self.lines)


def price_lines(lines: list[CartLine]) -> list[PricedLine]:
    priced = []
    for line in lines:
        product = line.product
        problem = ""
        if not product.is_active:
            problem = _("No longer sold")
        elif product.stock == 0:
            problem = _("Out of stock")
        elif line.quantity > product.stock:
            problem = _("Only %(stock)d left") % {"stock": product.stock}
        priced.append(
            PricedLine(
                product=product,
                quantity=line.quantity,
                unit_price=product.price,
                line_total=money(product.price * line.quantity),
                available=not problem,
                problem=problem,
            )
        )
    return priced


def compute_totals(
    lines: list[CartLine],
    *,
    shipping_method: ShippingMethod | None = None,
    discount: Decimal = Decimal("0"),
    vouchers: Sequence[VoucherTerms] = (),
) -> Totals:
    """`discount` is money off the subtotal; `vouchers` add theirs line by line (free shipping: the shipping).

    Shipping is the method's price for the subtotal before discounts; a free-shipping voucher
    shows as a discount of that price, so `total = subtotal - discount + shipping` always holds.
    """
    priced = price_lines(lines)
    subtotal = money(sum((line.line_total for line in priced), Decimal("0")))
    shipping = money(shipping_method.price_for(subtotal)) if shipping_method and priced else Decimal("0.00")
    applied = apply_vouchers(vouchers, priced, subtotal=subtotal, shipping=shipping) if vouchers else ()
    if applied:
        per_line: dict[int, Decimal] = {}
        for voucher in applied:
            for product_id, amount in voucher.line_amounts.items():
                per_line[product_id] = per_line.get(product_id, Decimal("0")) + amount
        priced = [replace(line, discount=per_line.get(line.product.pk, Decimal("0.00"))) for line in priced]
    voucher_total = sum((voucher.amount for voucher in applied), Decimal("0"))
    discount = min(money(discount) + voucher_total, subtotal + shipping)
    return Totals(
        lines=tuple(priced),
        subtotal=subtotal,
        discount=discount,
        shipping=shipping,
        total=money(subtotal - discount + shipping),
        item_count=sum(line.quantity for line in priced),
        vouchers=applied,
    )
