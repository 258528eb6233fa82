from django.apps import AppConfig


class OffersConfig(AppConfig):
    name = "personalization.offers"
    label = "offers"
    verbose_name = "Personalized offers"

    def ready(self):
        from personalization.offers import receivers  # noqa: F401  (coupon applied / redeemed events)
