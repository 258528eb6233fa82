"""Errors the shop's services raise; each carries a machine-readable code and a message for people."""


class ShopError(Exception):
    code = "shop_error"
    default_message = "The request could not be completed."

    def __init__(self, message: str | None = None, *, code: str | None = None):
        self.message = message or self.default_message
        if code:
            self.code = code
        super().__init__(self.message)


class InvalidQuantity(ShopError):
    code = "invalid_quantity"
    default_message = "Quantity must be a whole number of at least 1."


class ProductUnavailable(ShopError):
    code = "product_unavailable"
    default_message = "This product is not available."


class InsufficientStock(ShopError):
    code = "insufficient_stock"
    default_message = "Not enough stock."


class EmptyCart(ShopError):
    code = "empty_cart"
    default_message = "Your cart is empty."


class StaleCart(ShopError):
    code = "stale_cart"
    default_message = "Prices or stock changed since you reviewed your order. Please check the new totals."


class InvalidShippingMethod(ShopError):
    code = "invalid_shipping_method"
    default_message = "Choose one of the offered shipping methods."


class PaymentFailed(ShopError):
    code = "payment_failed"
    default_message = "The payment was declined."


class InvalidPaymentMethod(ShopError):
    code = "invalid_payment_method"
    default_message = "Choose one of the offered payment methods."


class IllegalTransition(ShopError):
    code = "illegal_transition"
    default_message = "This status change is not allowed."


class IdempotencyConflict(ShopError):
    code = "idempotency_conflict"
    default_message = "This checkout was already submitted by another customer."


class InvalidIdempotencyKey(ShopError):
    code = "invalid_idempotency_key"
    default_message = "An idempotency key of 1 to 64 characters is required."
