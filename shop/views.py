"""Server-rendered storefront pages: parse the request, call a selector or service, render."""

from __future__ import annotations

import dataclasses

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth.decorators import login_required
from django.contrib.auth.views import LoginView, PasswordResetView
from django.core.paginator import Page, Paginator
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse, reverse_lazy
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST

from personalization.serving import context_for_request, rank_listing_queryset
from personalization.serving.ranking import SEARCH_RERANK_TOP
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
from shop.forms import CheckoutForm, SignInForm, SignupForm
from shop.models import Category, Order, Product, ShippingMethod, new_idempotency_key
from shop.payments import available_providers, get_provider
from shop.pricing import compute_totals
from shop.ratelimits import Attempt, password_reset_attempt, signup_attempt
from shop.services.cart import cart_add as cart_add_service
from shop.services.cart import cart_remove as cart_remove_service
from shop.services.cart import cart_set_quantity
from shop.services.orders import order_place
from shop.vouchers.exceptions import VoucherError
from shop.vouchers.selectors import cart_voucher_terms
from shop.vouchers.services import voucher_apply as voucher_apply_service
from shop.vouchers.services import voucher_remove as voucher_remove_service

HOME_GRID_SIZE = 8
# Guests see their confirmation page through this session list; signed-in users through ownership.
PLACED_ORDERS_SESSION_KEY = "placed_orders"
PLACED_ORDERS_KEPT = 20
OFFLINE_PAYMENT_METHODS = {"cod", "bank_transfer"}
SORT_LABELS = {
    "recommended": "Recommended for you",
    "newest": "Newest",
    "price_asc": "Price: low to high",
    "price_desc": "Price: high to low",
    "name": "Name: A to Z",
}


def _safe_next(request: HttpRequest) -> str | None:
    target = request.POST.get("next") or request.GET.get("next")
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return None


def _paginate(request: HttpRequest, products) -> Page:
    # get_page turns a non-number into page 1 and a page past the end into the last page.
    return Paginator(products, settings.SHOP_PAGE_SIZE).get_page(request.GET.get("page"))


def _listing_context(
    request: HttpRequest, *, products, unbranded_products, filters, surface: str, rerank_top: int | None = None
) -> dict:
    list_id = surface
    if filters.sort == selectors.DEFAULT_SORT:
        context = context_for_request(request, page=surface)
        ranked = rank_listing_queryset(products, context=context, surface=surface, rerank_top=rerank_top)
        page = _paginate(request, selectors.ProductsInOrder(list(ranked.products)))
        page.object_list = list(page.object_list)
        list_id = ranked.list_id
        _log_listing_impression(request, ranked, page)
    else:
        page = _paginate(request, products)
    return {
        "page_obj": page,
        "products": page.object_list,
        "result_count": page.paginator.count,
        "filters": filters,
        "list_id": list_id,
        "brands": selectors.brands_for_listing(products=unbranded_products),
        "sorts": [(key, SORT_LABELS.get(key, key.replace("_", " ").capitalize())) for key in selectors.SORTS],
    }


def _log_listing_impression(request: HttpRequest, ranked, page: Page) -> None:
    from personalization.templatetags.personalization_tags import log_impression

    shown = dataclasses.replace(ranked, products=tuple(page.object_list))
    log_impression(request, shown, slot=ranked.surface, offset=page.start_index() - 1)


def home(request: HttpRequest) -> HttpResponse:
    context = {
        "categories": selectors.category_menu(),
        "new_products": selectors.newest_products(limit=HOME_GRID_SIZE),
        "sale_products": selectors.newest_products(limit=HOME_GRID_SIZE, on_sale=True),
    }
    return render(request, "shop/home.html", context)


def category(request: HttpRequest, slug: str) -> HttpResponse:
    current = get_object_or_404(Category.objects.select_related("parent"), slug=slug)
    filters = selectors.ProductFilters.from_query(request.GET)
    products = selectors.product_list(category=current, filters=filters)
    unbranded = selectors.product_list(category=current, filters=dataclasses.replace(filters, brands=()))
    context = _listing_context(
        request, products=products, unbranded_products=unbranded, filters=filters, surface="category"
    )
    context.update(
        category=current,
        breadcrumbs=_ancestors(current),
        subcategories=list(current.children.all()),
    )
    return render(request, "shop/category.html", context)


def _ancestors(category: Category) -> list[Category]:
    chain, parent, seen = [], category.parent, {category.pk}
    while parent is not None and parent.pk not in seen:
        seen.add(parent.pk)
        chain.append(parent)
        parent = parent.parent
    return list(reversed(chain))


def product(request: HttpRequest, slug: str) -> HttpResponse:
    try:
        item = selectors.product_detail(slug=slug)
    except Product.DoesNotExist:
        raise Http404("No such product.") from None
    request.tracked_product_id = item.pk  # saves tracking a lookup by slug
    attributes = [
        (str(name).replace("_", " ").capitalize(), ", ".join(map(str, value)) if isinstance(value, list) else value)
        for name, value in (item.attributes or {}).items()
    ]
    context = {
        "product": item,
        "images": list(item.images.all()),
        "attributes": attributes,
        "breadcrumbs": [*_ancestors(item.category), item.category],
        "max_quantity": min(item.stock, 99),
    }
    return render(request, "shop/product.html", context)


def search(request: HttpRequest) -> HttpResponse:
    query = " ".join(request.GET.get("q", "").split())[:200]
    filters = selectors.ProductFilters.from_query(request.GET)
    products = selectors.product_search(query=query, filters=filters)
    unbranded = selectors.product_search(query=query, filters=dataclasses.replace(filters, brands=()))
    # Relevance decides the matches; personalization reorders only the best of them.
    context = _listing_context(
        request,
        products=products,
        unbranded_products=unbranded,
        filters=filters,
        surface="search",
        rerank_top=SEARCH_RERANK_TOP,
    )
    context["query"] = query
    request.search_result_count = context["result_count"]  # recorded with the search event
    return render(request, "shop/search.html", context)


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
        messages.success(request, f"Voucher {voucher.code} applied: {voucher.label}.")
    return HttpResponseRedirect(_safe_next(request) or reverse("shop:cart"))


@require_POST
def voucher_remove(request: HttpRequest) -> HttpResponse:
    try:
        voucher_remove_service(cart=request_cart(request, create=True), code=request.POST.get("code", ""))
    except ShopError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, "Voucher removed.")
    return HttpResponseRedirect(_safe_next(request) or reverse("shop:cart"))


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
        return HttpResponseRedirect(_safe_next(request) or _product_url_or_cart(product_id))
    messages.success(request, f"Added {line.product.name} to your cart.")
    return HttpResponseRedirect(_safe_next(request) or reverse("shop:cart"))


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
        messages.success(request, "Cart updated." if line else "Removed from your cart.")
    return HttpResponseRedirect(_safe_next(request) or reverse("shop:cart"))


@require_POST
def cart_remove(request: HttpRequest) -> HttpResponse:
    try:
        cart_remove_service(cart=request_cart(request, create=True), product_id=request.POST.get("product_id"))
    except ShopError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, "Removed from your cart.")
    return HttpResponseRedirect(_safe_next(request) or reverse("shop:cart"))


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
            messages.info(request, "Your cart is empty. Add something before checking out.")
            return redirect("shop:cart")
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
            messages.error(request, "The total changed with the delivery option you chose. Please confirm it.")
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


def _payment_provider_or_none(code: str):
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
        "provider": _payment_provider_or_none(order.payment_method),
        "offline_payment": order.payment_method in OFFLINE_PAYMENT_METHODS,
    }
    return render(request, "shop/order_confirmation.html", context)


@login_required
def account(request: HttpRequest) -> HttpResponse:
    orders = selectors.orders_for_user(user=request.user)
    return render(request, "shop/account/account.html", {"orders": orders})


@login_required
def order_detail(request: HttpRequest, number: str) -> HttpResponse:
    try:
        order = selectors.order_for_user(user=request.user, number=number)
    except Order.DoesNotExist:
        raise Http404("No such order.") from None
    context = {
        "order": order,
        "provider": _payment_provider_or_none(order.payment_method),
        "offline_payment": order.payment_method in OFFLINE_PAYMENT_METHODS and order.status == Order.Status.PENDING,
    }
    return render(request, "shop/account/order_detail.html", context)


def _try_again(attempt: Attempt, message: str) -> str:
    return f"{message} Try again in {attempt.retry_after_minutes()} minutes."


def signup(request: HttpRequest) -> HttpResponse:
    if request.user.is_authenticated:
        return redirect(_safe_next(request) or "shop:account")
    form = SignupForm(request.POST or None)
    status = 200
    if request.method == "POST" and form.is_valid():
        attempt = signup_attempt(request=request)
        if attempt.refused:
            form.add_error(None, _try_again(attempt, "Too many new accounts from this address."))
            status = 429
        else:
            user = form.save()
            # login() sends user_logged_in, which merges the anonymous cart into the new account.
            login(request, user, backend=settings.AUTHENTICATION_BACKENDS[0])
            messages.success(request, f"Welcome, {user.username}! Your account is ready.")
            return redirect(_safe_next(request) or "shop:account")
    context = {"form": form, "next": _safe_next(request) or ""}
    return render(request, "shop/account/signup.html", context, status=status)


class ShopLoginView(LoginView):
    template_name = "shop/account/login.html"
    redirect_authenticated_user = True
    form_class = SignInForm

    def form_invalid(self, form):
        response = super().form_invalid(form)
        if form.is_refused():
            response.status_code = 429
        return response

    def get_success_url(self):
        # A `next` pointing back at the login page would loop for a signed-in user; go to the account.
        url = super().get_success_url()
        return reverse("shop:account") if url.split("?")[0] == self.request.path else url


class ShopPasswordResetView(PasswordResetView):
    """Django's reset page, with the e-mails to one address and from one client capped (shop.ratelimits)."""

    template_name = "shop/account/password_reset.html"
    email_template_name = "shop/email/password_reset.txt"
    success_url = reverse_lazy("shop:password_reset_done")

    def form_valid(self, form):
        attempt = password_reset_attempt(request=self.request, email=form.cleaned_data["email"])
        if attempt.refused:
            form.add_error(
                None,
                _try_again(attempt, "Too many password reset requests for this e-mail address or from this address."),
            )
            return self.render_to_response(self.get_context_data(form=form), status=429)
        return super().form_valid(form)
