"""Forms of the storefront: checkout, sign-up and sign-in.

Cart forms are plain HTML: the cart services validate quantities and products
themselves and raise ShopError with messages written for shoppers.
"""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal

from django import forms
from django.contrib.admin.forms import AdminAuthenticationForm
from django.contrib.auth import get_user_model
from django.contrib.auth.forms import AuthenticationForm, UserCreationForm
from django.core.exceptions import NON_FIELD_ERRORS
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from shop.models import ShippingMethod
from shop.payments import PaymentProvider
from shop.pricing import money
from shop.ratelimits import login_attempt
from shop.services.orders import ShippingAddress


class SignupForm(UserCreationForm):
    email = forms.EmailField(
        label=gettext_lazy("Email"), help_text=gettext_lazy("For order confirmations and password resets.")
    )

    class Meta(UserCreationForm.Meta):
        model = get_user_model()
        fields = ("username", "email")

    def save(self, commit: bool = True):
        user = super().save(commit=False)
        user.email = self.cleaned_data["email"]
        if commit:
            user.save()
        return user


class SignInForm(AuthenticationForm):
    """Counts each attempt per account and per address before the password is checked (shop.ratelimits)."""

    error_messages = {
        **AuthenticationForm.error_messages,
        "too_many_attempts": gettext_lazy(
            "Too many sign-in attempts for this account or from this address. Try again in %(minutes)s minutes."
        ),
    }

    def clean(self):
        username = self.cleaned_data.get("username")
        if username is not None and self.cleaned_data.get("password"):
            attempt = login_attempt(request=self.request, username=username)
            if attempt.refused:
                raise forms.ValidationError(
                    self.error_messages["too_many_attempts"],
                    code="too_many_attempts",
                    params={"minutes": attempt.retry_after_minutes()},
                )
        return super().clean()

    def is_refused(self) -> bool:
        return self.has_error(NON_FIELD_ERRORS, "too_many_attempts")


class AdminSignInForm(SignInForm, AdminAuthenticationForm):
    """The admin's sign-in, counted against the same limits: /admin/ is no way round them."""

    error_messages = {**SignInForm.error_messages, **AdminAuthenticationForm.error_messages}


class CheckoutForm(forms.Form):
    email = forms.EmailField(label=gettext_lazy("Email"), widget=forms.EmailInput(attrs={"autocomplete": "email"}))
    name = forms.CharField(
        label=gettext_lazy("Full name"), max_length=120, widget=forms.TextInput(attrs={"autocomplete": "name"})
    )
    line1 = forms.CharField(
        label=gettext_lazy("Address"), max_length=200, widget=forms.TextInput(attrs={"autocomplete": "address-line1"})
    )
    line2 = forms.CharField(
        label=gettext_lazy("Apartment, suite (optional)"),
        max_length=200,
        required=False,
        widget=forms.TextInput(attrs={"autocomplete": "address-line2"}),
    )
    city = forms.CharField(
        label=gettext_lazy("City"), max_length=120, widget=forms.TextInput(attrs={"autocomplete": "address-level2"})
    )
    postcode = forms.CharField(
        label=gettext_lazy("Postcode"), max_length=20, widget=forms.TextInput(attrs={"autocomplete": "postal-code"})
    )
    country = forms.CharField(
        label=gettext_lazy("Country code"),
        min_length=2,
        max_length=2,
        initial="US",
        help_text=gettext_lazy("Two letters, e.g. US, DE, FR."),
        widget=forms.TextInput(attrs={"autocomplete": "country", "size": 2}),
    )
    phone = forms.CharField(
        label=gettext_lazy("Phone (optional)"),
        max_length=40,
        required=False,
        widget=forms.TextInput(attrs={"autocomplete": "tel"}),
    )
    shipping_method = forms.ChoiceField(widget=forms.RadioSelect)
    payment_method = forms.ChoiceField(widget=forms.RadioSelect)
    card_number = forms.CharField(
        label=gettext_lazy("Card number"),
        max_length=32,
        required=False,
        widget=forms.TextInput(attrs={"autocomplete": "cc-number", "inputmode": "numeric"}),
    )
    idempotency_key = forms.CharField(max_length=64, widget=forms.HiddenInput)
    expected_total = forms.DecimalField(max_digits=12, decimal_places=2, min_value=0, widget=forms.HiddenInput)

    def __init__(
        self,
        *args,
        shipping_methods: list[ShippingMethod],
        providers: list[PaymentProvider],
        subtotal: Decimal,
        total_for: Callable[[ShippingMethod], Decimal] | None = None,
        **kwargs,
    ):
        """`total_for(method)` is the order total with that method (vouchers included); default subtotal + price."""
        super().__init__(*args, **kwargs)
        self.total_for = total_for
        self.shipping_methods = shipping_methods
        self.providers = {provider.code: provider for provider in providers}
        self.subtotal = subtotal
        self.fields["shipping_method"].choices = [(method.code, method.name) for method in shipping_methods]
        self.fields["payment_method"].choices = [(provider.code, provider.name) for provider in providers]

    def clean_country(self) -> str:
        country = self.cleaned_data["country"].strip().upper()
        if not country.isalpha():
            raise forms.ValidationError(_("Use the two-letter country code, e.g. US."))
        return country

    def clean(self):
        cleaned = super().clean()
        provider = self.providers.get(cleaned.get("payment_method", ""))
        if provider is not None and provider.needs_card and not cleaned.get("card_number", "").strip():
            self.add_error(
                "card_number", _("Enter a card number to pay by %(method)s.") % {"method": provider.name.lower()}
            )
        return cleaned

    def selected_shipping_method(self) -> ShippingMethod | None:
        """The method chosen in the submitted data, else the initial one, else the first offered."""
        code = self.data.get(self.add_prefix("shipping_method")) if self.is_bound else None
        code = code or self.initial.get("shipping_method")
        for method in self.shipping_methods:
            if method.code == code:
                return method
        return self.shipping_methods[0] if self.shipping_methods else None

    def shipping_options(self) -> list[dict]:
        """Each shipping method with its price for this cart, for the radio list and the inline script."""
        selected = self.selected_shipping_method()
        options = []
        for method in self.shipping_methods:
            price = money(method.price_for(self.subtotal))
            total = self.total_for(method) if self.total_for else money(self.subtotal + price)
            options.append({"method": method, "price": price, "total": total, "checked": method == selected})
        return options

    def payment_options(self) -> list[dict]:
        selected = self.data.get(self.add_prefix("payment_method")) if self.is_bound else None
        selected = selected or self.initial.get("payment_method")
        return [{"provider": provider, "checked": code == selected} for code, provider in self.providers.items()]

    def address(self) -> ShippingAddress:
        data = self.cleaned_data
        return ShippingAddress(
            name=data["name"],
            line1=data["line1"],
            line2=data["line2"],
            city=data["city"],
            postcode=data["postcode"],
            country=data["country"],
            phone=data["phone"],
        )
