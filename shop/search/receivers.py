"""Documents follow the catalogue: a saved product, brand or category rewrites the documents it shows in.

Rewritten in the same transaction as the edit, so a rolled-back edit leaves the index as it was
and a committed one is searchable at once. Bulk writes send no signals: their code calls
`search_index_rebuild` (the demo loader does).
"""

from __future__ import annotations

from django.db import transaction
from django.db.models.signals import post_save
from django.dispatch import receiver

from shop.models import Brand, Category, Product
from shop.search.models import SearchSynonym
from shop.search.services import search_documents_update
from shop.search.vocabulary import vocabulary_forget


def _update(product_ids: list[int]) -> None:
    search_documents_update(product_ids=product_ids)


@receiver(post_save, sender=Product, dispatch_uid="search_product_saved")
def _product_saved(sender, instance: Product, raw: bool = False, **kwargs) -> None:
    if not raw:
        _update([instance.pk])


@receiver(post_save, sender=Brand, dispatch_uid="search_brand_saved")
def _brand_saved(sender, instance: Brand, raw: bool = False, created: bool = False, **kwargs) -> None:
    if not raw and not created:
        _update(list(Product.objects.filter(brand=instance).values_list("pk", flat=True)))


@receiver(post_save, sender=Category, dispatch_uid="search_category_saved")
def _category_saved(sender, instance: Category, raw: bool = False, created: bool = False, **kwargs) -> None:
    if not raw and not created:
        ids = instance.descendant_ids()
        _update(list(Product.objects.filter(category_id__in=ids).values_list("pk", flat=True)))


@receiver(post_save, sender=SearchSynonym, dispatch_uid="search_synonym_saved")
def _synonym_saved(sender, **kwargs) -> None:
    transaction.on_commit(vocabulary_forget)
