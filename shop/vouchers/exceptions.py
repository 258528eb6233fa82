"""Why a voucher cannot be used: each a ShopError with its own code, so the API and the pages can say so."""

from shop.exceptions import ShopError


class VoucherError(ShopError):
    code = "voucher_invalid"
    default_message = "This voucher cannot be used."


class VoucherNotFound(VoucherError):
    code = "voucher_not_found"
    default_message = "We don't know this voucher code. Please check it and try again."


class VoucherNotYetValid(VoucherError):
    code = "voucher_not_yet_valid"
    default_message = "This voucher is not valid yet."


class VoucherExpired(VoucherError):
    code = "voucher_expired"
    default_message = "This voucher has expired."


class VoucherMinimumSpend(VoucherError):
    code = "voucher_minimum_spend"
    default_message = "Your cart is below this voucher's minimum spend."


class VoucherAlreadyUsed(VoucherError):
    code = "voucher_already_used"
    default_message = "You have already used this voucher."


class VoucherNotYours(VoucherError):
    code = "voucher_not_yours"
    default_message = "This is a personal voucher of another account."


class VoucherUsedUp(VoucherError):
    code = "voucher_used_up"
    default_message = "This voucher has been fully used."


class VoucherNotApplicable(VoucherError):
    code = "voucher_not_applicable"
    default_message = "This voucher does not apply to anything in your cart."


class VoucherCannotCombine(VoucherError):
    code = "voucher_cannot_combine"
    default_message = "This voucher cannot be combined with the voucher already in your cart."
