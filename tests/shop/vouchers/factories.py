"""Vouchers for tests: valid by default (10% off, no limits but one use per customer), every field overridable."""

from __future__ import annotations

import itertools
from decimal import Decimal

from shop.vouchers.models import Voucher

_seq = itertools.count(1)


def make_voucher(*, code: str | None = None, kind: str = Voucher.Kind.PERCENT, value="10", **fields) -> Voucher:
    categories = fields.pop("categories", [])
    products = fields.pop("products", [])
    voucher = Voucher.objects.create(code=code or f"TEST{next(_seq)}", kind=kind, value=Decimal(str(value)), **fields)
    voucher.categories.set(categories)
    voucher.products.set(products)
    return voucher
