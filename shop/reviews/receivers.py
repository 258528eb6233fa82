"""A review photo's file goes with its row, once the deletion is committed (a rolled-back delete keeps it)."""

from __future__ import annotations

from django.db import transaction
from django.db.models.signals import post_delete
from django.dispatch import receiver

from shop.reviews.models import ReviewPhoto


@receiver(post_delete, sender=ReviewPhoto, dispatch_uid="reviews_photo_file_delete")
def photo_file_delete(sender, instance: ReviewPhoto, **kwargs) -> None:
    storage, name = instance.image.storage, instance.image.name
    if name:
        transaction.on_commit(lambda: storage.delete(name))
