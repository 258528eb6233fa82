"""A coupon campaign's name is the title of the offer banner shoppers see: one column per language.

See shop/translation.py for why a column per language.
"""

from modeltranslation.translator import TranslationOptions, register

from personalization.offers.models import CouponCampaign


@register(CouponCampaign)
class CouponCampaignTranslationOptions(TranslationOptions):
    fields = ("name",)
