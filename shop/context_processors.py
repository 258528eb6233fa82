from django.conf import settings
from django.utils.functional import SimpleLazyObject

from shop.cart_session import request_cart_count


def shop(request):
    return {
        "shop_name": settings.SHOP_NAME,
        "currency": settings.SHOP_CURRENCY,
        # Counted only where a template shows it: fragments rendered with the request (layouts) don't.
        "cart_count": SimpleLazyObject(lambda: request_cart_count(request)),
    }
