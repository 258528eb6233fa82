"""Catalogue texts shoppers read, in every language of settings.LANGUAGES (django-modeltranslation).

Each registered field gets a column per language on the same row (`name_en`, `name_zh_hans`, ...)
and `product.name` reads the active language's, falling back to English where it is empty.
Chosen over django-parler's translation tables because nothing else moves: a product is still
one row, so the per-process product cache keeps whole products, and the listing queries and
their query counts stay as they are (no join, no prefetch of translations).

`attributes` is a JSON object per language: English keeps the machine keys the code reads
(`{"colour": "Black"}`), another language holds what its shoppers read (`{"颜色": "黑色"}`);
an empty object falls back to English.
"""

from modeltranslation.translator import TranslationOptions, register

from shop.models import Brand, Category, Product, ShippingMethod


@register(Category)
class CategoryTranslationOptions(TranslationOptions):
    fields = ("name", "description")


@register(Brand)
class BrandTranslationOptions(TranslationOptions):
    fields = ("name",)
    # Brand names are unique per language: an untranslated one is NULL (never a second ""), so any number may be.
    empty_values = {"name": None}


@register(Product)
class ProductTranslationOptions(TranslationOptions):
    fields = ("name", "description", "attributes")


@register(ShippingMethod)
class ShippingMethodTranslationOptions(TranslationOptions):
    fields = ("name", "delivery_days")
