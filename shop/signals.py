"""What the store tells listeners. The store sends these; it never asks who listens.

The order signals are sent after the transaction commits, so listeners see committed rows;
`cart_changed` inside the cart service's transaction (a listener that writes defers to
on_commit). These carry no request: a service can run outside one. The page signals are sent
by the storefront's views while they build the page, with the request, as `user_logged_in` is.
"""

from django.dispatch import Signal

# kwargs: order (shop.Order)
order_placed = Signal()
# kwargs: order, from_status, to_status
order_status_changed = Signal()
# kwargs: cart, product, quantity_delta (positive = added)
cart_changed = Signal()

# A product page is shown. kwargs: request, product (shop.Product)
product_viewed = Signal()
# A search results page is shown. kwargs: request, query (as typed), corrected_query (as searched: equal to
# query when nothing was corrected), list_id (of the results list), result_count
search_performed = Signal()
# The checkout page is shown with something in the cart. kwargs: request, cart (shop.Cart)
checkout_started = Signal()

# Sent after the transaction commits. kwargs: review (shop.reviews.Review), created (False for an edit)
review_written = Signal()
# A shopper marked a review helpful (sent once per shopper and review). kwargs: review, user
review_voted = Signal()
