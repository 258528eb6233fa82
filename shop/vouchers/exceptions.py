"""Why a voucher cannot be used: each a ShopError with its own code, so the API and the pages can say so."""

from django.utils.translation import gettext_lazy as _

from shop.exceptions import ShopError


class VoucherError(ShopError):
    code = "voucher_invalid"
    default_message = _("This voucher cannot be used.")


class VoucherNotFound(VoucherError):
    code = "voucher_not_found"
    default_message = _("We don't know this voucher code. Please check it and try again.")


class VoucherNotYetValid(VoucherError):
    code = "voucher_not_yet_valid"
    default_message = _("This voucher is not valid yet.")


class VoucherExpired(VoucherError):
    code = "voucher_expired"
    default_message = _("This voucher has expired.")


class VoucherMinimumSpend(VoucherError):
    code = "voucher_minimum_spend"
    default_message = _("Your cart is below this voucher's minimum spend.")


class VoucherAlreadyUsed(VoucherError):
    code = "voucher_already_used"
    default_message = _("You have already used this voucher.")


class VoucherNotYours(VoucherError):
    code = "voucher_not_yours"
    default_message = _("This is a personal voucher of another account.")


class VoucherUsedUp(VoucherError):
    code = "voucher_used_up"
    default_message = _("This voucher has been fully used.")


class VoucherNotApplicable(VoucherError):
    code = "voucher_not_applicable"
    default_message = _("This voucher does not apply to anything in your cart.")


class VoucherCannotCombine(VoucherError):
    code = "voucher_cannot_combine"
    default_message = _("This voucher cannot be combined with the voucher already in your cart.")
