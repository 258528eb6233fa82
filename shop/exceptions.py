"""Errors the shop's services raise; each carries a machine-readable code and a message for people."""

from django.utils.translation import gettext_lazy as _


class ShopError(Exception):
    code = "shop_error"
    default_message = _("The request could not be completed.")

    def __init__(self, message: str | None = None, *, code: str | None = None):
        # In the language active when the error is raised: the one of the request that caused it.
        self.message = str(message or self.default_message)
        if code:
            self.code = code
        super().__init__(self.message)


class InvalidQuantity(ShopError):
    code = "invalid_quantity"
    default_message = _("Quantity must be a whole number of at least 1.")


class ProductUnavailable(ShopError):
    code = "product_unavailable"
    default_message = _("This product is not available.")


class InsufficientStock(ShopError):
    code = "insufficient_stock"
    default_message = _("Not enough stock.")


class EmptyCart(ShopError):
    code = "empty_cart"
    default_message = _("Your cart is empty.")


class StaleCart(ShopError):
    code = "stale_cart"
    default_message = _("Prices or stock changed since you reviewed your order. Please check the new totals.")


class InvalidShippingMethod(ShopError):
    code = "invalid_shipping_method"
    default_message = _("Choose one of the offered shipping methods.")


class PaymentFailed(ShopError):
    code = "payment_failed"
    default_message = _("The payment was declined.")


class InvalidPaymentMethod(ShopError):
    code = "invalid_payment_method"
    default_message = _("Choose one of the offered payment methods.")


class IllegalTransition(ShopError):
    code = "illegal_transition"
    default_message = _("This status change is not allowed.")


class IdempotencyConflict(ShopError):
    code = "idempotency_conflict"
    default_message = _("This checkout was already submitted by another customer.")


class InvalidIdempotencyKey(ShopError):
    code = "invalid_idempotency_key"
    default_message = _("An idempotency key of 1 to 64 characters is required.")


class ReviewExists(ShopError):
    code = "review_exists"
    default_message = _("You have already reviewed this product; edit your review instead.")


class ReviewNotAllowed(ShopError):
    code = "review_not_allowed"
    default_message = _("You cannot do this with this review.")


class InvalidReviewPhoto(ShopError):
    code = "invalid_review_photo"
    default_message = _("This photo cannot be added to a review.")
