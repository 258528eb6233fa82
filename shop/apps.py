from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ShopConfig(AppConfig):
    name = "shop"
    verbose_name = _("Shop")

    def ready(self):
        from shop import (
            cart_session,  # noqa: F401  (connects the login cart merge)
            lookups,  # noqa: F401  (registers id__any_of)
            product_cache,  # noqa: F401  (connects the catalogue version to saves and deletes)
        )
        from shop.search import receivers  # noqa: F401  (keeps search documents current with the catalogue)
        from shop.services import accounts  # noqa: F401  (connects token revocation to password changes)
