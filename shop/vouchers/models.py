"""Vouchers: codes that take money off an order, the batches that generate them, and who used them."""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import Q
from django.db.models.functions import Upper
from django.utils.translation import gettext as _


class VoucherBatch(models.Model):
    """A campaign's set of single-use codes, generated together from one template."""

    name = models.CharField(max_length=120)
    prefix = models.CharField(max_length=12, blank=True, help_text="Codes start with this (e.g. SPRING).")
    description = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name_plural = "voucher batches"

    def __str__(self) -> str:
        return self.name


class Voucher(models.Model):
    class Kind(models.TextChoices):
        PERCENT = "percent", "Percent off"
        FIXED = "fixed", "Fixed amount off"
        FREE_SHIPPING = "free_shipping", "Free shipping"

    # Stored upper-case; the shopper may type it in any case.
    code = models.CharField(max_length=40)
    kind = models.CharField(max_length=20, choices=Kind.choices)
    value = models.DecimalField(
        max_digits=10,
        decimal_places=2,
        default=Decimal("0"),
        validators=[MinValueValidator(Decimal("0"))],
        help_text="Percent (10 = 10%) or an amount of money; ignored for free shipping.",
    )
    max_discount = models.DecimalField(
        max_digits=10, decimal_places=2, null=True, blank=True, help_text="A cap on the money taken off (percent)."
    )
    min_spend = models.DecimalField(
        max_digits=10, decimal_places=2, default=Decimal("0"), help_text="The cart subtotal needed, before discounts."
    )
    starts_at = models.DateTimeField(null=True, blank=True)
    ends_at = models.DateTimeField(null=True, blank=True)
    usage_limit = models.PositiveIntegerField(null=True, blank=True, help_text="Orders in all; empty: unlimited.")
    per_customer_limit = models.PositiveIntegerField(
        null=True, blank=True, default=1, help_text="Orders per customer; empty: unlimited."
    )
    # Written only under the voucher's row lock, by redemption and release.
    used_count = models.PositiveIntegerField(default=0)
    categories = models.ManyToManyField("shop.Category", blank=True, related_name="+")
    products = models.ManyToManyField("shop.Product", blank=True, related_name="+")
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        related_name="personal_vouchers",
        on_delete=models.CASCADE,
        help_text="A personal code: only this account may use it.",
    )
    batch = models.ForeignKey(VoucherBatch, null=True, blank=True, related_name="vouchers", on_delete=models.CASCADE)
    combinable = models.BooleanField(default=False, help_text="May be used together with other combinable vouchers.")
    is_active = models.BooleanField(default=True)
    description = models.CharField(max_length=200, blank=True)
    advertised = models.BooleanField(
        default=False,
        help_text="Shown with its code and description on the home page and in every cart (not for personal codes).",
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.UniqueConstraint(Upper("code"), name="voucher_code_unique_ci"),
            models.CheckConstraint(
                condition=Q(usage_limit__isnull=True) | Q(used_count__lte=models.F("usage_limit")),
                name="voucher_used_within_limit",
            ),
        ]

    def __str__(self) -> str:
        return self.code

    def save(self, *args, **kwargs):
        self.code = normalize_code(self.code)
        super().save(*args, **kwargs)

    def clean(self):
        self.code = normalize_code(self.code)
        if self.kind == self.Kind.PERCENT and not (0 < self.value <= 100):
            raise ValidationError({"value": _("A percentage between 0 and 100.")})
        if self.kind == self.Kind.FIXED and self.value <= 0:
            raise ValidationError({"value": _("An amount above zero.")})
        if self.starts_at and self.ends_at and self.ends_at <= self.starts_at:
            raise ValidationError({"ends_at": _("The end must come after the start.")})

    @property
    def label(self) -> str:
        if self.kind == self.Kind.PERCENT:
            return _("%(percent)s%% off") % {"percent": f"{self.value.normalize():f}"}
        if self.kind == self.Kind.FIXED:
            return _("%(amount)s off") % {"amount": self.value}
        return _("Free shipping")


class AppliedVoucher(models.Model):
    """A voucher the shopper entered in their cart; priced on every view, redeemed at checkout."""

    cart = models.ForeignKey("shop.Cart", related_name="applied_vouchers", on_delete=models.CASCADE)
    voucher = models.ForeignKey(Voucher, related_name="+", on_delete=models.CASCADE)
    applied_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["applied_at", "pk"]
        constraints = [models.UniqueConstraint(fields=["cart", "voucher"], name="one_application_per_cart")]

    def __str__(self) -> str:
        return f"{self.voucher} on cart {self.cart_id}"


class VoucherRedemption(models.Model):
    """One order's use of a voucher; a cancelled or refunded order releases it (released_at)."""

    voucher = models.ForeignKey(Voucher, related_name="redemptions", on_delete=models.PROTECT)
    order = models.ForeignKey("shop.Order", related_name="voucher_redemptions", on_delete=models.CASCADE)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, related_name="+", on_delete=models.SET_NULL
    )
    email = models.EmailField()
    amount = models.DecimalField(max_digits=12, decimal_places=2, help_text="Money the voucher took off this order.")
    line_discounts = models.JSONField(default=dict, blank=True, help_text="Per order line id: money taken off.")
    created_at = models.DateTimeField(auto_now_add=True)
    released_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        constraints = [models.UniqueConstraint(fields=["voucher", "order"], name="one_redemption_per_order")]
        indexes = [models.Index(fields=["voucher", "user"]), models.Index(fields=["voucher", "email"])]

    def __str__(self) -> str:
        return f"{self.voucher} on {self.order_id}: {self.amount}"


def normalize_code(code: str) -> str:
    return "".join(str(code or "").split()).upper()
