from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class TrackingConfig(AppConfig):
    name = "personalization.tracking"
    label = "tracking"
    verbose_name = _("Behaviour tracking")

    def ready(self):
        from personalization.tracking import receivers  # noqa: F401  (login link, cart, order and settings receivers)
