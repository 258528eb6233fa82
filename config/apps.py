from django.apps import AppConfig


class ConfigConfig(AppConfig):
    """The composition root as an app, so that its system checks are registered."""

    name = "config"

    def ready(self) -> None:
        from config import checks  # noqa: F401
