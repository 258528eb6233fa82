"""The shopper's account: sign-up, sign-in, password reset, orders."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth.decorators import login_required
from django.contrib.auth.views import LoginView, PasswordResetView
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse, reverse_lazy
from django.utils.translation import gettext as _

from shop import selectors
from shop.forms import SignInForm, SignupForm
from shop.models import Order
from shop.ratelimits import Attempt, password_reset_attempt, signup_attempt
from shop.views.checkout import OFFLINE_PAYMENT_METHODS, payment_provider_or_none
from shop.views.redirects import safe_next


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
        "provider": payment_provider_or_none(order.payment_method),
        "offline_payment": order.payment_method in OFFLINE_PAYMENT_METHODS and order.status == Order.Status.PENDING,
    }
    return render(request, "shop/account/order_detail.html", context)


def _try_again(attempt: Attempt, message: str) -> str:
    return _("%(message)s Try again in %(minutes)s minutes.") % {
        "message": message,
        "minutes": attempt.retry_after_minutes(),
    }


def signup(request: HttpRequest) -> HttpResponse:
    if request.user.is_authenticated:
        return redirect(safe_next(request) or "shop:account")
    form = SignupForm(request.POST or None)
    status = 200
    if request.method == "POST" and form.is_valid():
        attempt = signup_attempt(request=request)
        if attempt.refused:
            form.add_error(None, _try_again(attempt, _("Too many new accounts from this address.")))
            status = 429
        else:
            user = form.save()
            # login() sends user_logged_in, which merges the anonymous cart into the new account.
            login(request, user, backend=settings.AUTHENTICATION_BACKENDS[0])
            messages.success(request, _("Welcome, %(username)s! Your account is ready.") % {"username": user.username})
            return redirect(safe_next(request) or "shop:account")
    context = {"form": form, "next": safe_next(request) or ""}
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
                _try_again(
                    attempt, _("Too many password reset requests for this e-mail address or from this address.")
                ),
            )
            return self.render_to_response(self.get_context_data(form=form), status=429)
        return super().form_valid(form)
