from django.contrib.auth.views import LoginView
from django.http import HttpResponse


def _todo(request, *args, **kwargs):
    return HttpResponse("")


home = category = product = search = cart = cart_add = cart_update = cart_remove = checkout = _todo
order_confirmation = account = order_detail = signup = _todo


class ShopLoginView(LoginView):
    pass
