"""Checkout: the form, placing the order, and the confirmation page."""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from shop import selectors
from shop.cart_session import request_cart
from shop.exceptions import (
    EmptyCart,
    IdempotencyConflict,
    InvalidPaymentMethod,
    InvalidShippingMethod,
    ShopError,
    StaleCart,
)
from shop.forms import CheckoutForm
from shop.models import Cart, Order, ShippingMethod, new_idempotency_key
from shop.payments import PaymentProvider, available_providers, get_provider
from shop.pricing import compute_totals
from shop.services.orders import order_place
from shop.signals import checkout_started
from shop.vouchers.exceptions import VoucherError
from shop.vouchers.selectors import cart_voucher_terms

# Guests see their confirmation page through this session list; signed-in users through ownership.
PLACED_ORDERS_SESSION_KEY = "placed_orders"
PLACED_ORDERS_KEPT = 20
OFFLINE_PAYMENT_METHODS = {"cod", "bank_transfer"}


def _checkout_form(request: HttpRequest, *, lines, vouchers=(), data=None) -> CheckoutForm:
    shipping_methods = list(ShippingMethod.objects.filter(is_active=True))
    subtotal = compute_totals(lines).subtotal
    initial = {
        "idempotency_key": new_idempotency_key(),
        "shipping_method": shipping_methods[0].code if shipping_methods else "",
    }
    providers = available_providers()
    if providers:
        initial["payment_method"] = providers[0].code
    if request.user.is_authenticated:
        full_name = request.user.get_full_name()
        initial.update(email=request.user.email, name=full_name)
        last = Order.objects.filter(user=request.user).order_by("-created_at", "-pk").first()
        if last is not None:
            initial.update(
                name=last.shipping_name,
                line1=last.shipping_line1,
                line2=last.shipping_line2,
                city=last.shipping_city,
                postcode=last.shipping_postcode,
                country=last.shipping_country,
                phone=last.shipping_phone,
            )
    return CheckoutForm(
        data,
        initial=initial,
        shipping_methods=shipping_methods,
        providers=providers,
        subtotal=subtotal,
        total_for=lambda method: compute_totals(lines, shipping_method=method, vouchers=vouchers).total,
    )


def _render_checkout(
    request: HttpRequest, form: CheckoutForm, lines, *, vouchers=(), status: int = 200
) -> HttpResponse:
    totals = compute_totals(lines, shipping_method=form.selected_shipping_method(), vouchers=vouchers)
    if form.is_bound:
        # The hidden total must always be the one on the page, so a confirmed re-submit is not stale again;
        # a card number is never echoed back into the page.
        form.data = form.data.copy()
        form.data[form.add_prefix("expected_total")] = str(totals.total)
        form.data[form.add_prefix("card_number")] = ""
    else:
        form.initial["expected_total"] = totals.total
    return render(request, "shop/checkout.html", {"form": form, "totals": totals}, status=status)


def checkout(request: HttpRequest) -> HttpResponse:
    shopper_cart = request_cart(request, create=request.method == "POST")
    lines = selectors.cart_lines(cart=shopper_cart)
    vouchers = cart_voucher_terms(cart=shopper_cart)
    if request.method != "POST":
        if not lines:
            messages.info(request, _("Your cart is empty. Add something before checking out."))
            return redirect("shop:cart")
        checkout_started.send(sender=Cart, request=request, cart=shopper_cart)
        return _render_checkout(
            request, _checkout_form(request, lines=lines, vouchers=vouchers), lines, vouchers=vouchers
        )

    form = _checkout_form(request, lines=lines, vouchers=vouchers, data=request.POST)
    if not form.is_valid():
        return _render_checkout(request, form, lines, vouchers=vouchers, status=400)
    data = form.cleaned_data
    try:
        order = order_place(
            cart=shopper_cart,
            user=request.user,
            email=data["email"],
            address=form.address(),
            shipping_method_code=data["shipping_method"],
            payment_method=data["payment_method"],
            idempotency_key=data["idempotency_key"],
            expected_total=data["expected_total"],
            card_number=data["card_number"],
            visitor_id=getattr(request, "visitor_id", "") or "",
        )
    except EmptyCart as error:
        messages.info(request, error.message)
        return redirect("shop:cart")
    except ShopError as error:
        if isinstance(error, IdempotencyConflict):
            form.data = form.data.copy()
            form.data[form.add_prefix("idempotency_key")] = new_idempotency_key()
        field = {InvalidShippingMethod: "shipping_method", InvalidPaymentMethod: "payment_method"}.get(type(error))
        if isinstance(error, StaleCart) and _total_of_other_method(form, lines, data["expected_total"], vouchers):
            # Without JavaScript the hidden total is the one of the pre-selected delivery option.
            messages.error(request, _("The total changed with the delivery option you chose. Please confirm it."))
        elif field is None:
            messages.error(request, error.message)
        else:
            form.add_error(field, error.message)
        # A voucher that stopped holding (used up, expired) is a change of state, like a stale cart.
        status = 409 if isinstance(error, StaleCart | IdempotencyConflict | VoucherError) else 400
        vouchers = cart_voucher_terms(cart=shopper_cart)
        return _render_checkout(
            request, form, selectors.cart_lines(cart=shopper_cart), vouchers=vouchers, status=status
        )

    placed = [n for n in request.session.get(PLACED_ORDERS_SESSION_KEY, []) if n != order.number]
    request.session[PLACED_ORDERS_SESSION_KEY] = [*placed, order.number][-PLACED_ORDERS_KEPT:]
    return redirect("shop:order_confirmation", number=order.number)


def _total_of_other_method(form: CheckoutForm, lines, expected_total, vouchers=()) -> bool:
    chosen = form.selected_shipping_method()
    return any(
        compute_totals(lines, shipping_method=method, vouchers=vouchers).total == expected_total
        for method in form.shipping_methods
        if method != chosen
    )


def payment_provider_or_none(code: str) -> PaymentProvider | None:
    try:
        return get_provider(code)
    except InvalidPaymentMethod:
        return None


def order_confirmation(request: HttpRequest, number: str) -> HttpResponse:
    order = Order.objects.prefetch_related("lines").filter(number=number).first()
    if order is None:
        raise Http404("No such order.")
    owns = request.user.is_authenticated and order.user_id == request.user.pk
    if not owns and number not in request.session.get(PLACED_ORDERS_SESSION_KEY, []):
        raise Http404("No such order.")
    context = {
        "order": order,
        "provider": payment_provider_or_none(order.payment_method),
        "offline_payment": order.payment_method in OFFLINE_PAYMENT_METHODS,
    }
    return render(request, "shop/order_confirmation.html", context)
