"""E-mails to customers (console backend by default), in the language active when they are sent: the shopper's."""

import logging

from django.conf import settings
from django.core.mail import send_mail
from django.template.loader import render_to_string
from django.utils.translation import gettext as _

from shop.models import Order

logger = logging.getLogger(__name__)


def send_order_confirmation(*, order_pk: int) -> None:
    order = Order.objects.prefetch_related("lines").get(pk=order_pk)
    context = {"order": order, "shop_name": settings.SHOP_NAME}
    try:
        send_mail(
            subject=_("%(shop)s: order %(number)s confirmed") % {"shop": settings.SHOP_NAME, "number": order.number},
            message=render_to_string("shop/email/order_confirmation.txt", context),
            from_email=settings.DEFAULT_FROM_EMAIL,
            recipient_list=[order.email],
        )
    except Exception:  # a mail outage must not undo a placed order
        logger.exception("Could not send the confirmation of order %s", order.number)


def send_email_changed_notice(*, username: str, old_email: str, new_email: str) -> None:
    context = {"username": username, "new_email": new_email, "shop_name": settings.SHOP_NAME}
    try:
        send_mail(
            subject=_("%(shop)s: your e-mail address was changed") % {"shop": settings.SHOP_NAME},
            message=render_to_string("shop/email/email_changed.txt", context),
            from_email=settings.DEFAULT_FROM_EMAIL,
            recipient_list=[old_email],
        )
    except Exception:  # the change is made; a mail outage must not turn it into an error
        logger.exception("Could not tell %s that the e-mail address of %s changed", old_email, username)
