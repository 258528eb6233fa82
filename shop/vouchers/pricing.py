"""What vouchers take off a cart, line by line: pure functions over frozen values, no queries.

Vouchers apply in the order they were entered. Each one works on what the lines still
cost after the vouchers before it, so two vouchers can never take more than a line's
price. A fixed amount (or a capped percentage) is spread over the matching lines in
proportion to their price, to the cent, so the per-line discounts add up exactly.
The minimum spend is checked against the subtotal before any discount.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import ROUND_DOWN, ROUND_HALF_UP, Decimal

from django.utils.translation import gettext as _

from shop.vouchers.exceptions import VoucherCannotCombine, VoucherError, VoucherMinimumSpend, VoucherNotApplicable

CENT = Decimal("0.01")
ZERO = Decimal("0.00")
PERCENT = "percent"
FIXED = "fixed"
FREE_SHIPPING = "free_shipping"


def _money(value: Decimal) -> Decimal:
    return value.quantize(CENT, rounding=ROUND_HALF_UP)


@dataclass(frozen=True)
class VoucherTerms:
    """What pricing needs to know of a voucher; categories include their sub-categories."""

    id: int
    code: str
    kind: str
    value: Decimal
    min_spend: Decimal = ZERO
    max_discount: Decimal | None = None
    product_ids: frozenset[int] = frozenset()
    category_ids: frozenset[int] = frozenset()
    combinable: bool = False
    label: str = ""

    @property
    def restricted(self) -> bool:
        return bool(self.product_ids or self.category_ids)

    def matches(self, product) -> bool:
        if not self.restricted:
            return True
        return product.pk in self.product_ids or product.category_id in self.category_ids


@dataclass(frozen=True)
class VoucherDiscount:
    """One voucher's effect on a cart. `error` says why it takes nothing off now (the cart changed)."""

    terms: VoucherTerms
    amount: Decimal
    line_amounts: dict[int, Decimal] = field(default_factory=dict, hash=False)  # product id -> money off
    shipping_amount: Decimal = ZERO
    error: VoucherError | None = field(default=None, compare=False, hash=False)

    @property
    def code(self) -> str:
        return self.terms.code

    @property
    def problem(self) -> str:
        return self.error.message if self.error else ""


def spread(amount: Decimal, weights: Sequence[Decimal]) -> list[Decimal]:
    """`amount` split in proportion to `weights`, in cents that add up to exactly `amount`.

    Largest-remainder rounding: every share is rounded down, then the cents left over go
    to the shares that lost the most.
    """
    total = sum(weights, Decimal("0"))
    if total <= 0 or amount <= 0:
        return [ZERO for _ in weights]
    exact = [amount * weight / total for weight in weights]
    shares = [value.quantize(CENT, rounding=ROUND_DOWN) for value in exact]
    left = int(((amount - sum(shares, Decimal("0"))) / CENT).to_integral_value())
    by_remainder = sorted(range(len(weights)), key=lambda i: (exact[i] - shares[i], -i), reverse=True)
    for index in by_remainder[:left]:
        shares[index] += CENT
    return shares


def apply_vouchers(
    vouchers: Sequence[VoucherTerms], lines: Sequence, *, subtotal: Decimal, shipping: Decimal
) -> tuple[VoucherDiscount, ...]:
    """Each voucher's discount on `lines` (priced lines: product, line_total, available)."""
    remaining = {line.product.pk: line.line_total for line in lines if line.available}
    shipping_left = shipping
    results = []
    for position, terms in enumerate(vouchers):
        error = _blocking_error(terms, vouchers[:position], lines, subtotal=subtotal)
        if error is not None:
            results.append(VoucherDiscount(terms=terms, amount=ZERO, error=error))
            continue
        if terms.kind == FREE_SHIPPING:
            results.append(VoucherDiscount(terms=terms, amount=shipping_left, shipping_amount=shipping_left))
            shipping_left = ZERO
            continue
        eligible = [line.product.pk for line in lines if line.available and terms.matches(line.product)]
        weights = [remaining[pk] for pk in eligible]
        if terms.kind == PERCENT:
            wanted = sum((_money(weight * terms.value / 100) for weight in weights), Decimal("0"))
        else:
            wanted = terms.value
        if terms.max_discount is not None:
            wanted = min(wanted, terms.max_discount)
        amount = _money(min(wanted, sum(weights, Decimal("0"))))
        shares = spread(amount, weights)
        line_amounts = {pk: share for pk, share in zip(eligible, shares, strict=True) if share}
        for pk, share in line_amounts.items():
            remaining[pk] -= share
        results.append(VoucherDiscount(terms=terms, amount=amount, line_amounts=line_amounts))
    return tuple(results)


def _blocking_error(terms: VoucherTerms, earlier: Sequence[VoucherTerms], lines, *, subtotal: Decimal):
    if earlier and not (terms.combinable and all(other.combinable for other in earlier)):
        return VoucherCannotCombine(
            _("%(code)s cannot be combined with %(other)s.") % {"code": terms.code, "other": earlier[0].code}
        )
    if subtotal < terms.min_spend:
        return VoucherMinimumSpend(
            _("Spend at least %(min_spend)s to use %(code)s (you are %(short)s short).")
            % {"min_spend": _money(terms.min_spend), "code": terms.code, "short": _money(terms.min_spend - subtotal)}
        )
    if terms.kind != FREE_SHIPPING and not any(line.available and terms.matches(line.product) for line in lines):
        return VoucherNotApplicable(_("%(code)s does not apply to anything in your cart.") % {"code": terms.code})
    return None
