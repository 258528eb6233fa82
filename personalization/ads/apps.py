from django.apps import AppConfig


class AdsConfig(AppConfig):
    name = "personalization.ads"
    label = "ads"
    verbose_name = "Sponsored products"

    def ready(self):
        from personalization.ads import receivers  # noqa: F401  (campaign edits refresh the live index)
