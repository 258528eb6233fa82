from django.apps import AppConfig


class ReviewsConfig(AppConfig):
    name = "shop.reviews"
    label = "reviews"
    verbose_name = "Reviews"

    def ready(self) -> None:
        from shop.reviews import receivers  # noqa: F401  (connects the photo files' clean-up)
