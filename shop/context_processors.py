from django.conf import settings

from shop.cart_session import request_cart_count


def shop(request):
    return {
        "shop_name": settings.SHOP_NAME,
        "currency": settings.SHOP_CURRENCY,
        "cart_count": request_cart_count(request),
    }
