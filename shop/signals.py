"""Signals other apps listen to; sent after the transaction commits, so listeners see committed rows."""

from django.dispatch import Signal

# kwargs: order (shop.Order)
order_placed = Signal()
# kwargs: order, from_status, to_status
order_status_changed = Signal()
# kwargs: cart, product, quantity_delta (positive = added), user, session_key
cart_changed = Signal()
