from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OffersConfig(AppConfig):
    name = "personalization.offers"
    label = "offers"
    verbose_name = _("Personalized offers")

    def ready(self):
        from personalization.offers import receivers  # noqa: F401  (coupon applied / redeemed events)
