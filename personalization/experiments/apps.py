from django.apps import AppConfig


class ExperimentsConfig(AppConfig):
    name = "personalization.experiments"
    label = "experiments"
    verbose_name = "Experiments"

    def ready(self):
        from personalization.experiments import receivers  # noqa: F401  (carry a visitor's variants over at login)
