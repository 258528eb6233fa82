from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReviewsConfig(AppConfig):
    name = "shop.reviews"
    label = "reviews"
    verbose_name = _("Reviews")

    def ready(self) -> None:
        from shop.reviews import receivers  # noqa: F401  (connects the photo files' clean-up)
