"""Per-line voucher pricing: pure functions on hand-computed carts."""

from dataclasses import dataclass
from decimal import Decimal

import pytest

from shop.vouchers.exceptions import VoucherCannotCombine, VoucherMinimumSpend, VoucherNotApplicable
from shop.vouchers.pricing import VoucherTerms, apply_vouchers, spread

D = Decimal


@dataclass(frozen=True)
class Product:
    pk: int
    category_id: int


@dataclass(frozen=True)
class Line:
    product: Product
    line_total: Decimal
    available: bool = True


CAMERA, LENS, STRAP = Product(1, 10), Product(2, 10), Product(3, 20)
LINES = [Line(CAMERA, D("100.00")), Line(LENS, D("50.00")), Line(STRAP, D("10.00"))]


def terms(**fields) -> VoucherTerms:
    return VoucherTerms(**{"id": 1, "code": "CODE", "kind": "percent", "value": D("10"), **fields})


def test_spread_adds_up_to_the_cent_in_proportion():
    assert spread(D("10.00"), [D("1"), D("1"), D("1")]) == [D("3.34"), D("3.33"), D("3.33")]
    assert sum(spread(D("7.77"), [D("100"), D("50"), D("10")])) == D("7.77")


def test_percent_takes_the_share_of_every_line():
    (result,) = apply_vouchers([terms()], LINES, subtotal=D("160.00"), shipping=D("0"))
    assert result.line_amounts == {1: D("10.00"), 2: D("5.00"), 3: D("1.00")}
    assert result.amount == D("16.00")


def test_percent_is_capped_by_max_discount_spread_over_the_lines():
    (result,) = apply_vouchers([terms(max_discount=D("8.00"))], LINES, subtotal=D("160.00"), shipping=D("0"))
    assert result.amount == D("8.00")
    assert sum(result.line_amounts.values()) == D("8.00")


def test_fixed_amount_never_exceeds_the_matching_lines():
    (result,) = apply_vouchers(
        [terms(kind="fixed", value=D("25.00"), category_ids=frozenset({20}))], LINES, subtotal=D("160"), shipping=D("0")
    )
    assert result.line_amounts == {3: D("10.00")}
    assert result.amount == D("10.00")


def test_restriction_to_products_discounts_only_those_lines():
    (result,) = apply_vouchers([terms(product_ids=frozenset({2}))], LINES, subtotal=D("160"), shipping=D("0"))
    assert result.line_amounts == {2: D("5.00")}


def test_free_shipping_takes_the_shipping_off():
    (result,) = apply_vouchers(
        [terms(kind="free_shipping", value=D("0"))], LINES, subtotal=D("160"), shipping=D("4.95")
    )
    assert (result.amount, result.shipping_amount, result.line_amounts) == (D("4.95"), D("4.95"), {})


def test_below_minimum_spend_takes_nothing_and_says_why():
    (result,) = apply_vouchers([terms(min_spend=D("200"))], LINES, subtotal=D("160"), shipping=D("0"))
    assert result.amount == 0
    assert isinstance(result.error, VoucherMinimumSpend)
    assert "40.00 short" in result.problem


def test_nothing_matching_is_not_applicable():
    (result,) = apply_vouchers([terms(category_ids=frozenset({99}))], LINES, subtotal=D("160"), shipping=D("0"))
    assert isinstance(result.error, VoucherNotApplicable)


def test_unavailable_lines_are_not_discounted():
    lines = [Line(CAMERA, D("100.00"), available=False), Line(LENS, D("50.00"))]
    (result,) = apply_vouchers([terms()], lines, subtotal=D("150"), shipping=D("0"))
    assert result.line_amounts == {2: D("5.00")}


@pytest.mark.parametrize("first_combines, second_combines", [(False, True), (True, False), (False, False)])
def test_a_second_voucher_needs_both_to_combine(first_combines, second_combines):
    first = terms(id=1, code="A", combinable=first_combines)
    second = terms(id=2, code="B", combinable=second_combines)
    results = apply_vouchers([first, second], LINES, subtotal=D("160"), shipping=D("0"))
    assert results[0].error is None
    assert isinstance(results[1].error, VoucherCannotCombine)


def test_combined_vouchers_work_on_what_is_left_of_each_line():
    first = terms(id=1, code="A", kind="fixed", value=D("95.00"), product_ids=frozenset({1}), combinable=True)
    second = terms(id=2, code="B", kind="percent", value=D("50"), combinable=True)
    results = apply_vouchers([first, second], LINES, subtotal=D("160"), shipping=D("0"))
    assert results[0].line_amounts == {1: D("95.00")}
    assert results[1].line_amounts == {1: D("2.50"), 2: D("25.00"), 3: D("5.00")}
