"""Sponsored products: campaigns with their promoted products, and the clicks they pay for.

Impressions are not stored here: they are `ad_impression` events of the tracking pipeline.
Clicks are, because a click is money: the ledger row makes a click charged at most once, and
clicks that do not look like a shopper's are kept apart, with the reason, and never charged.
"""

from __future__ import annotations

from decimal import Decimal

from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class Slot(models.TextChoices):
    SEARCH_TOP = "search_top", "Top of search results"
    CATEGORY_TOP = "category_top", "Top of a category"
    PRODUCT_PAGE = "product_page", "Product page"


class AdCampaign(models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", "Draft"
        ACTIVE = "active", "Active"
        PAUSED = "paused", "Paused"
        ENDED = "ended", "Ended"

    name = models.CharField(max_length=120, verbose_name=_("name"))
    advertiser = models.CharField(
        max_length=120, help_text="The brand or seller who pays for the clicks.", verbose_name=_("advertiser")
    )
    brand = models.ForeignKey(
        "shop.Brand",
        null=True,
        blank=True,
        related_name="+",
        on_delete=models.SET_NULL,
        help_text="Set when the advertiser is one of the shop's brands.",
        verbose_name=_("brand"),
    )
    status = models.CharField(
        max_length=10, choices=Status.choices, default=Status.DRAFT, db_index=True, verbose_name=_("status")
    )
    products = models.ManyToManyField("shop.Product", through="PromotedProduct", related_name="+")

    max_cpc = models.DecimalField(
        max_digits=8,
        decimal_places=2,
        validators=[MinValueValidator(Decimal("0.01"))],
        verbose_name=_("maximum cost per click"),
    )
    daily_budget = models.DecimalField(
        max_digits=10, decimal_places=2, validators=[MinValueValidator(Decimal("0.01"))], verbose_name=_("daily budget")
    )
    total_budget = models.DecimalField(
        max_digits=12, decimal_places=2, validators=[MinValueValidator(Decimal("0.01"))], verbose_name=_("total budget")
    )
    # Written only by the conditional UPDATE of services.campaign_charge, never by a form.
    spent_total = models.DecimalField(
        max_digits=12, decimal_places=2, default=Decimal("0.00"), editable=False, verbose_name=_("spent total")
    )
    spent_today = models.DecimalField(
        max_digits=10, decimal_places=2, default=Decimal("0.00"), editable=False, verbose_name=_("spent today")
    )
    spend_day = models.DateField(
        null=True, blank=True, editable=False, help_text="The day spent_today counts.", verbose_name=_("spend day")
    )

    starts_at = models.DateTimeField(default=timezone.now, verbose_name=_("starts at"))
    ends_at = models.DateTimeField(null=True, blank=True, verbose_name=_("ends at"))

    # Empty targeting means automatic: the product's own category, the product's own words.
    target_categories = models.ManyToManyField(
        "shop.Category",
        blank=True,
        related_name="+",
        help_text="Show on these categories, their sub-categories and products in them.",
        verbose_name=_("target categories"),
    )
    keywords = models.TextField(
        blank=True, help_text="Search keywords or phrases, one per line or comma-separated.", verbose_name=_("keywords")
    )

    created_at = models.DateTimeField(auto_now_add=True, verbose_name=_("created at"))
    updated_at = models.DateTimeField(auto_now=True, verbose_name=_("updated at"))

    class Meta:
        verbose_name = _("ad campaign")
        verbose_name_plural = _("ad campaigns")
        ordering = ["-created_at", "-pk"]
        # No CHECK of spend against budget: staff may lower a budget below what is already spent.
        constraints = [
            models.CheckConstraint(condition=Q(max_cpc__gt=0), name="ads_bid_positive"),
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.advertiser})"

    def spent_on(self, day) -> Decimal:
        return self.spent_today if self.spend_day == day else Decimal("0.00")

    def keyword_list(self) -> list[str]:
        return [part.strip() for part in self.keywords.replace(",", "\n").splitlines() if part.strip()]


class PromotedProduct(models.Model):
    """A product of a campaign, with the counters its predicted click-through rate is learned from."""

    campaign = models.ForeignKey(AdCampaign, related_name="promoted", on_delete=models.CASCADE)
    product = models.ForeignKey("shop.Product", related_name="+", on_delete=models.CASCADE)
    # Refreshed by tasks.refresh_ad_quality from the events of the last ADS_QUALITY_WINDOW_DAYS.
    impressions = models.PositiveIntegerField(default=0, editable=False)
    clicks = models.PositiveIntegerField(default=0, editable=False)

    class Meta:
        ordering = ["pk"]
        constraints = [models.UniqueConstraint(fields=["campaign", "product"], name="ads_one_row_per_product")]

    def __str__(self) -> str:
        return f"{self.product_id} in {self.campaign_id}"


class AdClick(models.Model):
    """One click on one shown ad: `impression_id` is unique, so a second click on it costs nothing."""

    impression_id = models.UUIDField(unique=True, verbose_name=_("impression id"))
    campaign = models.ForeignKey(
        AdCampaign, related_name="clicks", on_delete=models.CASCADE, verbose_name=_("campaign")
    )
    product = models.ForeignKey(
        "shop.Product", null=True, related_name="+", on_delete=models.SET_NULL, verbose_name=_("product")
    )
    slot = models.CharField(max_length=20, choices=Slot.choices, verbose_name=_("slot"))
    visitor_id = models.CharField(max_length=64, blank=True, verbose_name=_("visitor id"))
    address_hash = models.CharField(
        max_length=64, blank=True, help_text="A keyed hash of the client address.", verbose_name=_("address hash")
    )
    price = models.DecimalField(
        max_digits=8, decimal_places=2, help_text="What the auction priced the click at.", verbose_name=_("price")
    )
    cost = models.DecimalField(
        max_digits=8,
        decimal_places=2,
        default=Decimal("0.00"),
        help_text="What was charged: the price, or nothing when the budget could not cover it.",
        verbose_name=_("cost"),
    )
    clicked_at = models.DateTimeField(default=timezone.now, verbose_name=_("clicked at"))
    # Orders of the product by this visitor until then are the ad's.
    attribution_until = models.DateTimeField(verbose_name=_("attribution until"))

    class Meta:
        verbose_name = _("ad click")
        verbose_name_plural = _("ad clicks")
        ordering = ["-clicked_at", "-pk"]
        indexes = [
            models.Index(fields=["campaign", "clicked_at"], name="ads_click_campaign_time"),
            models.Index(fields=["visitor_id", "product", "clicked_at"], name="ads_click_attribution"),
        ]

    def __str__(self) -> str:
        return f"Click on {self.product_id} for {self.campaign_id} ({self.cost})"


class FilteredAdClick(models.Model):
    """A click that was not charged because it did not come from the shopper the ad was shown to, once."""

    class Reason(models.TextChoices):
        FORGED = "forged", "Forged or unreadable link"
        EXPIRED = "expired", "Link older than the impression's lifetime"
        BOT = "bot", "Automated client"
        OTHER_VISITOR = "other_visitor", "Not the visitor the ad was shown to"
        REPEAT = "repeat", "Ad already clicked"
        VISITOR_CAP = "visitor_cap", "Over the visitor's click cap"
        ADDRESS_CAP = "address_cap", "Over the address's click cap"

    reason = models.CharField(max_length=20, choices=Reason.choices, verbose_name=_("reason"))
    # Empty for a forged link: nothing it claims can be believed.
    campaign = models.ForeignKey(
        AdCampaign,
        null=True,
        blank=True,
        related_name="filtered_clicks",
        on_delete=models.CASCADE,
        verbose_name=_("campaign"),
    )
    product = models.ForeignKey(
        "shop.Product", null=True, blank=True, related_name="+", on_delete=models.SET_NULL, verbose_name=_("product")
    )
    impression_id = models.UUIDField(null=True, blank=True, verbose_name=_("impression id"))
    slot = models.CharField(max_length=20, choices=Slot.choices, blank=True, verbose_name=_("slot"))
    price = models.DecimalField(
        max_digits=8,
        decimal_places=2,
        null=True,
        blank=True,
        help_text="What the click would have cost.",
        verbose_name=_("price"),
    )
    visitor_id = models.CharField(
        max_length=64, blank=True, help_text="Who clicked, when they may be recorded.", verbose_name=_("visitor id")
    )
    address_hash = models.CharField(
        max_length=64, blank=True, help_text="A keyed hash of the client address.", verbose_name=_("address hash")
    )
    clicked_at = models.DateTimeField(default=timezone.now, verbose_name=_("clicked at"))

    class Meta:
        verbose_name = _("filtered ad click")
        verbose_name_plural = _("filtered ad clicks")
        ordering = ["-clicked_at", "-pk"]
        indexes = [models.Index(fields=["campaign", "clicked_at"], name="ads_filtered_campaign_time")]

    def __str__(self) -> str:
        return f"{self.get_reason_display()}: {self.product_id} for {self.campaign_id}"
