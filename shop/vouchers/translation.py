"""A voucher's description is shown to shoppers (home page, cart): one column per language, see shop/translation.py."""

from modeltranslation.translator import TranslationOptions, register

from shop.vouchers.models import Voucher


@register(Voucher)
class VoucherTranslationOptions(TranslationOptions):
    fields = ("description",)
