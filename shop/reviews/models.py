"""Reviews: a shopper's stars and words about a product, the helpful votes they get, and the reports against them."""

from __future__ import annotations

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class Review(models.Model):
    class Status(models.TextChoices):
        PENDING = "pending", _("Pending")
        PUBLISHED = "published", _("Published")
        REJECTED = "rejected", _("Rejected")

    # Why a review waits for staff; empty once published or when held only because approval is required.
    class HoldReason(models.TextChoices):
        NONE = "", _("None")
        APPROVAL = "approval", _("Approval required")
        LINK = "link", _("Contains a link")
        PROFANITY = "profanity", _("Profanity")
        NOT_BOUGHT = "not_bought", _("Never bought the product")
        BURST = "burst", _("Burst of 5-star reviews from new accounts")
        REPORTED = "reported", _("Reported by shoppers")

    product = models.ForeignKey(
        "shop.Product", related_name="reviews", on_delete=models.CASCADE, verbose_name=_("product")
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, related_name="reviews", on_delete=models.CASCADE, verbose_name=_("user")
    )
    rating = models.PositiveSmallIntegerField(
        validators=[MinValueValidator(1), MaxValueValidator(5)], verbose_name=_("rating")
    )
    title = models.CharField(max_length=120, blank=True, verbose_name=_("title"))
    body = models.TextField(max_length=5000, blank=True, verbose_name=_("body"))
    language = models.CharField(max_length=10, blank=True, verbose_name=_("language"))
    status = models.CharField(
        max_length=10, choices=Status.choices, default=Status.PENDING, db_index=True, verbose_name=_("status")
    )
    hold_reason = models.CharField(
        max_length=20, choices=HoldReason.choices, blank=True, default="", verbose_name=_("hold reason")
    )
    rejection_reason = models.CharField(max_length=200, blank=True, verbose_name=_("rejection reason"))
    # Set by the service from the author's delivered orders when the review is written or edited.
    verified_purchase = models.BooleanField(default=False, verbose_name=_("verified purchase"))
    helpful_count = models.PositiveIntegerField(default=0, verbose_name=_("helpful count"))
    report_count = models.PositiveIntegerField(default=0, verbose_name=_("report count"))
    created_at = models.DateTimeField(auto_now_add=True, db_index=True, verbose_name=_("created at"))
    updated_at = models.DateTimeField(auto_now=True, verbose_name=_("updated at"))

    class Meta:
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["product", "status", "-created_at"])]
        constraints = [
            models.UniqueConstraint(fields=["product", "user"], name="review_one_per_user_and_product"),
            models.CheckConstraint(condition=Q(rating__gte=1, rating__lte=5), name="review_rating_1_to_5"),
        ]
        verbose_name = _("review")
        verbose_name_plural = _("reviews")

    def __str__(self) -> str:
        return f"{self.rating}★ {self.product_id} by {self.user_id}"


class ReviewVote(models.Model):
    """A shopper found a review helpful; once per shopper and review."""

    review = models.ForeignKey(Review, related_name="votes", on_delete=models.CASCADE, verbose_name=_("review"))
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, related_name="review_votes", on_delete=models.CASCADE, verbose_name=_("user")
    )
    created_at = models.DateTimeField(auto_now_add=True, verbose_name=_("created at"))

    class Meta:
        constraints = [models.UniqueConstraint(fields=["review", "user"], name="review_vote_one_per_user")]
        verbose_name = _("review vote")
        verbose_name_plural = _("review votes")

    def __str__(self) -> str:
        return f"{self.user_id} → {self.review_id}"


class ReviewReport(models.Model):
    """A shopper tells staff a review breaks the rules; once per shopper and review."""

    review = models.ForeignKey(Review, related_name="reports", on_delete=models.CASCADE, verbose_name=_("review"))
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, related_name="review_reports", on_delete=models.CASCADE, verbose_name=_("user")
    )
    reason = models.CharField(max_length=200, blank=True, verbose_name=_("reason"))
    created_at = models.DateTimeField(auto_now_add=True, verbose_name=_("created at"))

    class Meta:
        constraints = [models.UniqueConstraint(fields=["review", "user"], name="review_report_one_per_user")]
        verbose_name = _("review report")
        verbose_name_plural = _("review reports")

    def __str__(self) -> str:
        return f"{self.user_id} reported {self.review_id}"


class ReviewPhoto(models.Model):
    """A photo with a review, stored re-encoded without metadata (see photos.py)."""

    review = models.ForeignKey(Review, related_name="photos", on_delete=models.CASCADE, verbose_name=_("review"))
    image = models.ImageField(
        upload_to="reviews/%Y/%m/", width_field="width", height_field="height", verbose_name=_("image")
    )
    width = models.PositiveIntegerField(default=0, verbose_name=_("width"))
    height = models.PositiveIntegerField(default=0, verbose_name=_("height"))
    created_at = models.DateTimeField(auto_now_add=True, verbose_name=_("created at"))

    class Meta:
        ordering = ["pk"]
        verbose_name = _("review photo")
        verbose_name_plural = _("review photos")

    def __str__(self) -> str:
        return f"photo {self.pk} of review {self.review_id}"
