from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ExperimentsConfig(AppConfig):
    name = "personalization.experiments"
    label = "experiments"
    verbose_name = _("Experiments")

    def ready(self):
        from personalization.experiments import receivers  # noqa: F401  (carry a visitor's variants over at login)
