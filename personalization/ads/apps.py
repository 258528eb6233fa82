from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AdsConfig(AppConfig):
    name = "personalization.ads"
    label = "ads"
    verbose_name = _("Sponsored products")

    def ready(self):
        from personalization.ads import receivers  # noqa: F401  (campaign edits refresh the live index)
