"""Coupon campaigns, who was offered what (or held out), and the uplift models that choose."""

from __future__ import annotations

import secrets
from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _


def new_salt() -> str:
    return secrets.token_hex(8)


class CouponCampaign(models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", "Draft"
        ACTIVE = "active", "Active"
        PAUSED = "paused", "Paused"
        ENDED = "ended", "Ended"

    class Audience(models.TextChoices):
        ANY = "any", "Everyone"
        NEW = "new", "New customers (no past orders)"
        RETURNING = "returning", "Returning customers"

    class Targeting(models.TextChoices):
        MODEL = "model", "Uplift model (random exploration until one is trained)"
        EVERYONE = "everyone", "Every eligible shopper"

    class DiscountKind(models.TextChoices):
        PERCENT = "percent", "Percent off"
        FIXED = "fixed", "Fixed amount off"
        FREE_SHIPPING = "free_shipping", "Free shipping"

    key = models.SlugField(max_length=60, unique=True, verbose_name=_("key"))
    name = models.CharField(max_length=120, verbose_name=_("name"))
    status = models.CharField(
        max_length=10, choices=Status.choices, default=Status.DRAFT, db_index=True, verbose_name=_("status")
    )
    starts_at = models.DateTimeField(null=True, blank=True, verbose_name=_("starts at"))
    ends_at = models.DateTimeField(null=True, blank=True, verbose_name=_("ends at"))
    budget = models.DecimalField(
        max_digits=12,
        decimal_places=2,
        help_text="Money the campaign's vouchers may take off orders, in all.",
        verbose_name=_("budget"),
    )
    # The voucher each offered shopper gets: a personal, single-use code.
    discount_kind = models.CharField(
        max_length=20, choices=DiscountKind.choices, default=DiscountKind.PERCENT, verbose_name=_("discount kind")
    )
    discount_value = models.DecimalField(
        max_digits=10, decimal_places=2, default=Decimal("10"), verbose_name=_("discount value")
    )
    max_discount = models.DecimalField(
        max_digits=10,
        decimal_places=2,
        null=True,
        blank=True,
        help_text="Cap on one voucher's discount; required for percent off, so the budget can be reserved.",
        verbose_name=_("max discount"),
    )
    min_spend = models.DecimalField(max_digits=10, decimal_places=2, default=Decimal("0"), verbose_name=_("min spend"))
    code_valid_days = models.PositiveIntegerField(
        default=7, validators=[MinValueValidator(1)], verbose_name=_("code valid days")
    )
    code_prefix = models.CharField(max_length=8, blank=True, verbose_name=_("code prefix"))
    # Eligibility
    audience = models.CharField(
        max_length=10, choices=Audience.choices, default=Audience.ANY, verbose_name=_("audience")
    )
    min_past_orders = models.PositiveIntegerField(default=0, verbose_name=_("min past orders"))
    max_past_orders = models.PositiveIntegerField(null=True, blank=True, verbose_name=_("max past orders"))
    # Measurement and choice
    holdout_percent = models.PositiveIntegerField(
        default=20,
        validators=[MaxValueValidator(90)],
        help_text="Eligible shoppers who never see the offer.",
        verbose_name=_("holdout percent"),
    )
    targeting = models.CharField(
        max_length=10, choices=Targeting.choices, default=Targeting.MODEL, verbose_name=_("targeting")
    )
    exploration_percent = models.PositiveIntegerField(
        default=50,
        validators=[MaxValueValidator(100)],
        help_text="Without a trained model: the share of eligible shoppers chosen at random.",
        verbose_name=_("exploration percent"),
    )
    margin_rate = models.DecimalField(
        max_digits=4,
        decimal_places=3,
        default=Decimal("0.300"),
        help_text="Gross margin as a share of order value (0.3 = 30%).",
        verbose_name=_("margin rate"),
    )
    salt = models.CharField(
        max_length=32, default=new_salt, help_text="Changing it reshuffles the holdout.", verbose_name=_("salt")
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("coupon campaign")
        verbose_name_plural = _("coupon campaigns")
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return self.name

    def clean(self):
        if self.discount_kind == self.DiscountKind.PERCENT and self.max_discount is None:
            raise ValidationError({"max_discount": _("A percent-off campaign needs a cap, so its budget can be kept.")})
        if self.starts_at and self.ends_at and self.ends_at <= self.starts_at:
            raise ValidationError({"ends_at": _("The end must come after the start.")})

    @property
    def discount_label(self) -> str:
        if self.discount_kind == self.DiscountKind.PERCENT:
            return gettext("%(percent)s%% off") % {"percent": f"{self.discount_value.normalize():f}"}
        if self.discount_kind == self.DiscountKind.FIXED:
            return gettext("%(amount)s off") % {"amount": self.discount_value}
        return gettext("Free shipping")


class OfferAssignment(models.Model):
    """One shopper's place in a campaign: treatment or holdout, chosen or not, and what followed.

    Holdout shoppers go through the same eligibility and choice as the others; those that
    would have been offered are the comparison group of the report and of the uplift model.
    """

    class Group(models.TextChoices):
        TREATMENT = "treatment", "Treatment"
        HOLDOUT = "holdout", "Holdout"

    class Reason(models.TextChoices):
        MODEL = "model", "Chosen by the uplift model"
        EXPLORATION = "exploration", "Chosen at random (no model yet)"
        EVERYONE = "everyone", "Every eligible shopper"
        NOT_SELECTED = "not_selected", "Not chosen"
        BUDGET = "budget", "Budget spent"

    campaign = models.ForeignKey(
        CouponCampaign, related_name="assignments", on_delete=models.CASCADE, verbose_name=_("campaign")
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, related_name="offer_assignments", on_delete=models.CASCADE, verbose_name=_("user")
    )
    group = models.CharField(max_length=10, choices=Group.choices, verbose_name=_("group"))
    selected = models.BooleanField(default=False, verbose_name=_("selected"))
    reason = models.CharField(max_length=20, choices=Reason.choices, verbose_name=_("reason"))
    voucher = models.OneToOneField(
        "vouchers.Voucher",
        null=True,
        blank=True,
        related_name="offer_assignment",
        on_delete=models.SET_NULL,
        verbose_name=_("voucher"),
    )
    reserved_cost = models.DecimalField(
        max_digits=10, decimal_places=2, default=Decimal("0.00"), verbose_name=_("reserved cost")
    )
    features = models.JSONField(
        default=dict, blank=True, help_text="Behaviour features when it was decided.", verbose_name=_("features")
    )
    p_treated = models.FloatField(null=True, blank=True, verbose_name=_("p treated"))
    p_control = models.FloatField(null=True, blank=True, verbose_name=_("p control"))
    expected_margin = models.FloatField(
        null=True, blank=True, help_text="Expected incremental margin, money.", verbose_name=_("expected margin")
    )
    decided_at = models.DateTimeField(verbose_name=_("decided at"))
    shown_at = models.DateTimeField(null=True, blank=True, verbose_name=_("shown at"))
    applied_at = models.DateTimeField(null=True, blank=True, verbose_name=_("applied at"))
    redeemed_at = models.DateTimeField(null=True, blank=True, verbose_name=_("redeemed at"))

    class Meta:
        verbose_name = _("offer assignment")
        verbose_name_plural = _("offer assignments")
        ordering = ["-decided_at", "-pk"]
        constraints = [models.UniqueConstraint(fields=["campaign", "user"], name="one_assignment_per_campaign_user")]
        indexes = [models.Index(fields=["campaign", "selected", "group"], name="offers_assignment_report")]

    def __str__(self) -> str:
        return f"{self.campaign.key}: {self.user_id} {self.group} ({self.reason})"


class UpliftModel(models.Model):
    """A trained uplift model (weights as JSON: two small logistic regressions) and how it did."""

    class Status(models.TextChoices):
        CANDIDATE = "candidate", "Candidate"
        CHAMPION = "champion", "Champion (choosing offers)"
        RETIRED = "retired", "Retired"

    status = models.CharField(max_length=10, choices=Status.choices, default=Status.CANDIDATE, verbose_name=_("status"))
    parameters = models.JSONField(default=dict, verbose_name=_("parameters"))
    metrics = models.JSONField(default=dict, blank=True, verbose_name=_("metrics"))
    n_treated = models.PositiveIntegerField(default=0, verbose_name=_("n treated"))
    n_control = models.PositiveIntegerField(default=0, verbose_name=_("n control"))
    task_id = models.CharField(max_length=64, blank=True, verbose_name=_("task id"))
    created_at = models.DateTimeField(auto_now_add=True, verbose_name=_("created at"))

    class Meta:
        verbose_name = _("uplift model")
        verbose_name_plural = _("uplift models")
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.UniqueConstraint(fields=["status"], condition=Q(status="champion"), name="one_uplift_champion")
        ]

    def __str__(self) -> str:
        return f"Uplift model v{self.pk} ({self.status})"
