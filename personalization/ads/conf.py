"""The ads settings as typed values (settings.py keeps them as plain strings and numbers)."""

from __future__ import annotations

from decimal import Decimal
from fractions import Fraction

from django.conf import settings


def reserve_price() -> Decimal:
    return Decimal(str(settings.ADS_RESERVE_CPC))


def max_share() -> Fraction:
    return Fraction(str(settings.ADS_MAX_SHARE))


def ads_allowed_for_listing(organic_count: int | None) -> int:
    """How many ads a slot above `organic_count` products may hold; None: a slot not tied to a listing."""
    if organic_count is None:
        return settings.ADS_MAX_PER_SLOT
    return max(0, min(settings.ADS_MAX_PER_SLOT, int(organic_count * max_share())))
