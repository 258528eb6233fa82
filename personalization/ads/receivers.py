"""A campaign edited in the admin (or anywhere) is live at once: the cached index is dropped after the commit."""

from django.db import transaction
from django.db.models.signals import m2m_changed, post_delete, post_save
from django.dispatch import receiver

from personalization.ads.models import AdCampaign, PromotedProduct
from personalization.ads.selectors import forget_live_index


@receiver([post_save, post_delete], sender=AdCampaign)
@receiver([post_save, post_delete], sender=PromotedProduct)
@receiver(m2m_changed, sender=AdCampaign.target_categories.through)
def campaign_changed(sender, **kwargs):
    transaction.on_commit(forget_live_index)
