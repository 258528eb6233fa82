"""The cart page and its forms: add, update, remove, vouchers. Each answers with a redirect and a message."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from shop import selectors
from shop.cart_session import request_cart
from shop.exceptions import ShopError
from shop.models import Product
from shop.pricing import compute_totals
from shop.services.cart import cart_add as cart_add_service
from shop.services.cart import cart_remove as cart_remove_service
from shop.services.cart import cart_set_quantity
from shop.views.redirects import safe_next
from shop.vouchers.selectors import cart_voucher_terms
from shop.vouchers.services import voucher_apply as voucher_apply_service
from shop.vouchers.services import voucher_remove as voucher_remove_service


def cart(request: HttpRequest) -> HttpResponse:
    shopper_cart = request_cart(request)
    lines = selectors.cart_lines(cart=shopper_cart)
    totals = compute_totals(lines, vouchers=cart_voucher_terms(cart=shopper_cart))
    return render(request, "shop/cart.html", {"totals": totals})


@require_POST
def voucher_apply(request: HttpRequest) -> HttpResponse:
    code = request.POST.get("code", "")
    try:
        voucher = voucher_apply_service(cart=request_cart(request, create=True), code=code, user=request.user)
    except ShopError as error:
        messages.error(request, error.message)
    else:
        messages.success(
            request, _("Voucher %(code)s applied: %(label)s.") % {"code": voucher.code, "label": voucher.label}
        )
    return HttpResponseRedirect(safe_next(request) or reverse("shop:cart"))


@require_POST
def voucher_remove(request: HttpRequest) -> HttpResponse:
    try:
        voucher_remove_service(cart=request_cart(request, create=True), code=request.POST.get("code", ""))
    except ShopError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("Voucher removed."))
    return HttpResponseRedirect(safe_next(request) or reverse("shop:cart"))


def _product_url_or_cart(product_id) -> str:
    try:
        slug = Product.objects.filter(pk=int(product_id), is_active=True).values_list("slug", flat=True).first()
    except (TypeError, ValueError):
        slug = None
    return reverse("shop:product", kwargs={"slug": slug}) if slug else reverse("shop:cart")


@require_POST
def cart_add(request: HttpRequest) -> HttpResponse:
    product_id = request.POST.get("product_id")
    try:
        line = cart_add_service(
            cart=request_cart(request, create=True), product_id=product_id, quantity=request.POST.get("quantity", 1)
        )
    except ShopError as error:
        messages.error(request, error.message)
        return HttpResponseRedirect(safe_next(request) or _product_url_or_cart(product_id))
    messages.success(request, _("Added %(product)s to your cart.") % {"product": line.product.name})
    return HttpResponseRedirect(safe_next(request) or reverse("shop:cart"))


@require_POST
def cart_update(request: HttpRequest) -> HttpResponse:
    try:
        line = cart_set_quantity(
            cart=request_cart(request, create=True),
            product_id=request.POST.get("product_id"),
            quantity=request.POST.get("quantity"),
        )
    except ShopError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("Cart updated.") if line else _("Removed from your cart."))
    return HttpResponseRedirect(safe_next(request) or reverse("shop:cart"))


@require_POST
def cart_remove(request: HttpRequest) -> HttpResponse:
    try:
        cart_remove_service(cart=request_cart(request, create=True), product_id=request.POST.get("product_id"))
    except ShopError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("Removed from your cart."))
    return HttpResponseRedirect(safe_next(request) or reverse("shop:cart"))
