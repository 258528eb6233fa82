"""Vouchers: codes that take money off an order, the batches that generate them, and who used them."""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import Q
from django.db.models.functions import Upper
from django.utils.translation import gettext_lazy as _


class VoucherBatch(models.Model):
    """A campaign's set of single-use codes, generated together from one template."""

    name = models.CharField(max_length=120, verbose_name=_("name"))
    prefix = models.CharField(
        max_length=12, blank=True, help_text="Codes start with this (e.g. SPRING).", verbose_name=_("prefix")
    )
    description = models.TextField(blank=True, verbose_name=_("description"))
    created_at = models.DateTimeField(auto_now_add=True, verbose_name=_("created at"))

    class Meta:
        verbose_name = _("voucher batch")
        ordering = ["-created_at", "-pk"]
        verbose_name_plural = _("voucher batches")

    def __str__(self) -> str:
        return self.name


class Voucher(models.Model):
    class Kind(models.TextChoices):
        PERCENT = "percent", _("Percent off")
        FIXED = "fixed", _("Fixed amount off")
        FREE_SHIPPING = "free_shipping", _("Free shipping")

    # Stored upper-case; the shopper may type it in any case.
    code = models.CharField(max_length=40, verbose_name=_("code"))
    kind = models.CharField(max_length=20, choices=Kind.choices, verbose_name=_("kind"))
    value = models.DecimalField(
        max_digits=10,
        decimal_places=2,
        default=Decimal("0"),
        validators=[MinValueValidator(Decimal("0"))],
        help_text="Percent (10 = 10%) or an amount of money; ignored for free shipping.",
        verbose_name=_("value"),
    )
    max_discount = models.DecimalField(
        max_digits=10,
        decimal_places=2,
        null=True,
        blank=True,
        help_text="A cap on the money taken off (percent).",
        verbose_name=_("max discount"),
    )
    min_spend = models.DecimalField(
        max_digits=10,
        decimal_places=2,
        default=Decimal("0"),
        help_text="The cart subtotal needed, before discounts.",
        verbose_name=_("min spend"),
    )
    starts_at = models.DateTimeField(null=True, blank=True, verbose_name=_("starts at"))
    ends_at = models.DateTimeField(null=True, blank=True, verbose_name=_("ends at"))
    usage_limit = models.PositiveIntegerField(
        null=True, blank=True, help_text="Orders in all; empty: unlimited.", verbose_name=_("usage limit")
    )
    per_customer_limit = models.PositiveIntegerField(
        null=True,
        blank=True,
        default=1,
        help_text="Orders per customer; empty: unlimited.",
        verbose_name=_("per customer limit"),
    )
    # Written only under the voucher's row lock, by redemption and release.
    used_count = models.PositiveIntegerField(default=0, verbose_name=_("used count"))
    categories = models.ManyToManyField("shop.Category", blank=True, related_name="+", verbose_name=_("categories"))
    products = models.ManyToManyField("shop.Product", blank=True, related_name="+", verbose_name=_("products"))
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        related_name="personal_vouchers",
        on_delete=models.CASCADE,
        help_text="A personal code: only this account may use it.",
        verbose_name=_("owner"),
    )
    batch = models.ForeignKey(
        VoucherBatch, null=True, blank=True, related_name="vouchers", on_delete=models.CASCADE, verbose_name=_("batch")
    )
    combinable = models.BooleanField(
        default=False, help_text="May be used together with other combinable vouchers.", verbose_name=_("combinable")
    )
    is_active = models.BooleanField(default=True, verbose_name=_("is active"))
    description = models.CharField(max_length=200, blank=True, verbose_name=_("description"))
    advertised = models.BooleanField(
        default=False,
        help_text="Shown with its code and description on the home page and in every cart (not for personal codes).",
        verbose_name=_("advertised"),
    )
    created_at = models.DateTimeField(auto_now_add=True, verbose_name=_("created at"))

    class Meta:
        verbose_name = _("voucher")
        verbose_name_plural = _("vouchers")
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

    cart = models.ForeignKey(
        "shop.Cart", related_name="applied_vouchers", on_delete=models.CASCADE, verbose_name=_("cart")
    )
    voucher = models.ForeignKey(Voucher, related_name="+", on_delete=models.CASCADE, verbose_name=_("voucher"))
    applied_at = models.DateTimeField(auto_now_add=True, verbose_name=_("applied at"))

    class Meta:
        ordering = ["applied_at", "pk"]
        constraints = [models.UniqueConstraint(fields=["cart", "voucher"], name="one_application_per_cart")]

    def __str__(self) -> str:
        return f"{self.voucher} on cart {self.cart_id}"


class VoucherRedemption(models.Model):
    """One order's use of a voucher; a cancelled or refunded order releases it (released_at)."""

    voucher = models.ForeignKey(
        Voucher, related_name="redemptions", on_delete=models.PROTECT, verbose_name=_("voucher")
    )
    order = models.ForeignKey(
        "shop.Order", related_name="voucher_redemptions", on_delete=models.CASCADE, verbose_name=_("order")
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        related_name="+",
        on_delete=models.SET_NULL,
        verbose_name=_("user"),
    )
    email = models.EmailField(verbose_name=_("email"))
    amount = models.DecimalField(
        max_digits=12, decimal_places=2, help_text="Money the voucher took off this order.", verbose_name=_("amount")
    )
    line_discounts = models.JSONField(
        default=dict, blank=True, help_text="Per order line id: money taken off.", verbose_name=_("line discounts")
    )
    created_at = models.DateTimeField(auto_now_add=True, verbose_name=_("created at"))
    released_at = models.DateTimeField(null=True, blank=True, verbose_name=_("released at"))

    class Meta:
        verbose_name = _("voucher redemption")
        verbose_name_plural = _("voucher redemptions")
        ordering = ["-created_at", "-pk"]
        constraints = [models.UniqueConstraint(fields=["voucher", "order"], name="one_redemption_per_order")]
        indexes = [models.Index(fields=["voucher", "user"]), models.Index(fields=["voucher", "email"])]

    def __str__(self) -> str:
        return f"{self.voucher} on {self.order_id}: {self.amount}"


def normalize_code(code: str) -> str:
    return "".join(str(code or "").split()).upper()
