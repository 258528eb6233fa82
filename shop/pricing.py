"""Totals computed by the server from current catalog prices; the browser's numbers are never used."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from shop.models import CartLine, Product, ShippingMethod

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


@dataclass(frozen=True)
class Totals:
    lines: tuple[PricedLine, ...]
    subtotal: Decimal
    discount: Decimal
    shipping: Decimal
    total: Decimal
    item_count: int

    @property
    def has_problems(self) -> bool:
        return any(not line.available for line in self.lines)


def price_lines(lines: list[CartLine]) -> list[PricedLine]:
    priced = []
    for line in lines:
        product = line.product
        problem = ""
        if not product.is_active:
            problem = "No longer sold"
        elif product.stock == 0:
            problem = "Out of stock"
        elif line.quantity > product.stock:
            problem = f"Only {product.stock} left"
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
    lines: list[CartLine], *, shipping_method: ShippingMethod | None = None, discount: Decimal = Decimal("0")
) -> Totals:
    priced = price_lines(lines)
    subtotal = money(sum((line.line_total for line in priced), Decimal("0")))
    discount = min(money(discount), subtotal)
    shipping = money(shipping_method.price_for(subtotal)) if shipping_method and priced else Decimal("0.00")
    return Totals(
        lines=tuple(priced),
        subtotal=subtotal,
        discount=discount,
        shipping=shipping,
        total=money(subtotal - discount + shipping),
        item_count=sum(line.quantity for line in priced),
    )
