from django.apps import AppConfig


class TrackingConfig(AppConfig):
    name = "personalization.tracking"
    label = "tracking"
    verbose_name = "Behaviour tracking"

    def ready(self):
        from personalization.tracking import receivers  # noqa: F401  (login link, cart, order and settings receivers)
