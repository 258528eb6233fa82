"""Payment providers: a small interface, an offline method and a test provider.

A provider is chosen by its code; SHOP_PAYMENT_PROVIDERS (a setting) lists the
dotted paths of the classes offered at checkout.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from decimal import Decimal

from django.conf import settings
from django.utils.module_loading import import_string
from django.utils.translation import gettext_lazy as _

from shop.exceptions import InvalidPaymentMethod


@dataclass(frozen=True)
class PaymentResult:
    captured: bool
    reference: str
    declined_reason: str = ""


class PaymentProvider:
    code: str = ""
    name: str = ""
    description: str = ""
    # Whether the shopper must type card details on the checkout form.
    needs_card: bool = False

    def charge(self, *, amount: Decimal, currency: str, order_number: str, card_number: str = "") -> PaymentResult:
        raise NotImplementedError

    def refund(self, *, amount: Decimal, reference: str) -> None:
        """Return the money; offline methods do it by hand, so there is nothing to call."""


class CashOnDeliveryProvider(PaymentProvider):
    code = "cod"
    name = _("Cash on delivery")
    description = _("Pay the courier when your parcel arrives.")

    def charge(self, *, amount, currency, order_number, card_number=""):
        return PaymentResult(captured=False, reference=f"COD-{order_number}")


class BankTransferProvider(PaymentProvider):
    code = "bank_transfer"
    name = _("Bank transfer")
    description = _("We e-mail our bank details; the order ships when the money arrives.")

    def charge(self, *, amount, currency, order_number, card_number=""):
        return PaymentResult(captured=False, reference=f"BT-{order_number}")


class TestCardProvider(PaymentProvider):
    """A card provider for development and tests: 4242 4242 4242 4242 pays, 4000 0000 0000 0002 is declined."""

    code = "test_card"
    name = _("Test card")
    description = _("Use 4242 4242 4242 4242 (accepted) or 4000 0000 0000 0002 (declined).")
    needs_card = True
    DECLINED = "4000000000000002"

    def charge(self, *, amount, currency, order_number, card_number=""):
        digits = "".join(ch for ch in card_number if ch.isdigit())
        if len(digits) < 12 or digits == self.DECLINED:
            return PaymentResult(captured=False, reference="", declined_reason=str(_("The card was declined.")))
        return PaymentResult(captured=True, reference=f"TEST-{uuid.uuid4().hex[:12]}")


DEFAULT_PROVIDERS = [
    "shop.payments.CashOnDeliveryProvider",
    "shop.payments.BankTransferProvider",
    "shop.payments.TestCardProvider",
]


def available_providers() -> list[PaymentProvider]:
    paths = getattr(settings, "SHOP_PAYMENT_PROVIDERS", DEFAULT_PROVIDERS)
    return [import_string(path)() for path in paths]


def get_provider(code: str) -> PaymentProvider:
    for provider in available_providers():
        if provider.code == code:
            return provider
    raise InvalidPaymentMethod()
