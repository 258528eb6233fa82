"""Signals of the vouchers app; offers listen to record coupon events."""

from django.dispatch import Signal

# kwargs: cart (shop.Cart), voucher (Voucher), user (or None)
voucher_applied = Signal()
