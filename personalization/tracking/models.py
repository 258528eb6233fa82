"""What shoppers did (Event), which visitor ids belong to which user (VisitorLink), and who opted out."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class Event(models.Model):
    class Type(models.TextChoices):
        PAGE_VIEW = "page_view", "Page view"
        PRODUCT_VIEW = "product_view", "Product view"
        SEARCH = "search", "Search"
        ADD_TO_CART = "add_to_cart", "Add to cart"
        REMOVE_FROM_CART = "remove_from_cart", "Remove from cart"
        CHECKOUT_START = "checkout_start", "Checkout start"
        PURCHASE = "purchase", "Purchase"
        LIST_IMPRESSION = "list_impression", "List impression"
        LIST_CLICK = "list_click", "List click"
        DWELL = "dwell", "Dwell"
        SCROLL = "scroll", "Scroll"
        AD_IMPRESSION = "ad_impression", "Ad impression"
        AD_CLICK = "ad_click", "Ad click"
        COUPON_SHOWN = "coupon_shown", "Coupon shown"
        COUPON_APPLIED = "coupon_applied", "Coupon applied"
        COUPON_REDEEMED = "coupon_redeemed", "Coupon redeemed"
        REVIEW_WRITTEN = "review_written", "Review written"
        REVIEW_VOTED = "review_voted", "Review voted helpful"
        ASSISTANT_TURN = "assistant_turn", "Assistant turn"

    # Sent by the client; a retried batch carries the same ids, so it is stored once.
    uuid = models.UUIDField(unique=True, verbose_name=_("uuid"))
    type = models.CharField(max_length=32, choices=Type.choices, verbose_name=_("type"))
    timestamp = models.DateTimeField(
        help_text="When it happened, by the clock of whoever saw it.", verbose_name=_("timestamp")
    )
    recorded_at = models.DateTimeField(help_text="When the server accepted it.", verbose_name=_("recorded at"))
    visitor_id = models.CharField(max_length=64, blank=True, verbose_name=_("visitor id"))
    # No single-column FK indexes ((user, timestamp) serves user lookups) and no database constraints:
    # each costs the flush per row. The flush joins against users and products instead, and Django
    # still applies on_delete when a user or product is deleted through the ORM.
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        related_name="+",
        on_delete=models.CASCADE,
        db_index=False,
        db_constraint=False,
        verbose_name=_("user"),
    )
    session_key = models.CharField(max_length=40, blank=True, verbose_name=_("session key"))
    product = models.ForeignKey(
        "shop.Product",
        null=True,
        blank=True,
        related_name="+",
        on_delete=models.SET_NULL,
        db_index=False,
        db_constraint=False,
        verbose_name=_("product"),
    )
    path = models.CharField(max_length=500, blank=True, verbose_name=_("path"))
    referrer = models.CharField(max_length=500, blank=True, verbose_name=_("referrer"))
    # Small and flat: list_id, position, variant, query, result_count, seconds, depth, order_number...
    context = models.JSONField(default=dict, blank=True, verbose_name=_("context"))
    value = models.DecimalField(
        max_digits=12, decimal_places=2, null=True, blank=True, help_text="Money.", verbose_name=_("value")
    )

    class Meta:
        verbose_name = _("event")
        verbose_name_plural = _("events")
        ordering = ["-timestamp", "-pk"]
        indexes = [
            models.Index(fields=["visitor_id", "timestamp"], name="tracking_event_visitor_ts"),
            models.Index(fields=["user", "timestamp"], name="tracking_event_user_ts"),
            # Also serves retention, which deletes by age one type at a time.
            models.Index(fields=["type", "timestamp"], name="tracking_event_type_ts"),
        ]

    def __str__(self) -> str:
        return f"{self.type} by {self.user_id or self.visitor_id} at {self.timestamp:%Y-%m-%d %H:%M:%S}"


class VisitorLink(models.Model):
    """A visitor id seen signed in as a user: its anonymous history belongs to that user."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, related_name="visitor_links", on_delete=models.CASCADE, verbose_name=_("user")
    )
    visitor_id = models.CharField(max_length=64, db_index=True, verbose_name=_("visitor id"))
    created_at = models.DateTimeField(auto_now_add=True, verbose_name=_("created at"))

    class Meta:
        verbose_name = _("visitor link")
        verbose_name_plural = _("visitor links")
        ordering = ["-created_at", "-pk"]
        constraints = [models.UniqueConstraint(fields=["user", "visitor_id"], name="one_link_per_user_visitor")]

    def __str__(self) -> str:
        return f"{self.visitor_id} -> {self.user}"


class PersonalizationPreference(models.Model):
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        primary_key=True,
        related_name="personalization_preference",
        on_delete=models.CASCADE,
        verbose_name=_("user"),
    )
    enabled = models.BooleanField(default=True, verbose_name=_("enabled"))
    updated_at = models.DateTimeField(auto_now=True, verbose_name=_("updated at"))

    class Meta:
        verbose_name = _("personalization preference")
        verbose_name_plural = _("personalization preferences")

    def __str__(self) -> str:
        return f"{self.user}: personalization {'on' if self.enabled else 'off'}"


class DeadLetterEvent(models.Model):
    """A buffered event the database refused, set aside so the rest of its batch could be stored.

    Staff replay it (after correcting `raw` if the event itself was wrong) or drop it.
    """

    raw = models.TextField(
        help_text="The event's JSON as it was buffered; bytes that were not text are escaped.", verbose_name=_("raw")
    )
    # SHA-256 of the document as refused: a flush that reruns after a crash sets the same letter aside once.
    digest = models.CharField(max_length=64, unique=True, editable=False)
    reason = models.TextField(
        help_text="What the database (or the decoding) said when it was last refused.", verbose_name=_("reason")
    )
    created_at = models.DateTimeField(auto_now_add=True, verbose_name=_("created at"))

    class Meta:
        verbose_name = _("dead letter event")
        verbose_name_plural = _("dead letter events")
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return f"Dead letter {self.pk} of {self.created_at:%Y-%m-%d %H:%M:%S}"


class InteractionDay(models.Model):
    """One unit's interactions with one product on one day (UTC), by event type: kept up to date
    incrementally from the events stored since the last run (aggregates.py), so the frequent models
    read days, never the whole event table."""

    day = models.DateField(verbose_name=_("day"))
    product = models.ForeignKey(
        "shop.Product",
        related_name="+",
        on_delete=models.CASCADE,
        db_index=False,
        db_constraint=False,
        verbose_name=_("product"),
    )
    user_id = models.PositiveIntegerField(default=0, help_text=_("0: no account."), verbose_name=_("user id"))
    visitor_id = models.CharField(max_length=64, blank=True, verbose_name=_("visitor id"))
    type = models.CharField(max_length=32, verbose_name=_("type"))
    count = models.PositiveIntegerField(verbose_name=_("count"))
    first_at = models.DateTimeField(verbose_name=_("first at"))
    last_at = models.DateTimeField(verbose_name=_("last at"))

    class Meta:
        verbose_name = _("daily interaction count")
        verbose_name_plural = _("daily interaction counts")
        constraints = [
            models.UniqueConstraint(
                fields=["day", "product", "user_id", "visitor_id", "type"], name="one_interaction_day_per_key"
            )
        ]
        indexes = [models.Index(fields=["user_id", "visitor_id"], name="tracking_interactionday_unit")]

    def __str__(self) -> str:
        return f"{self.type} x{self.count} of product {self.product_id} on {self.day}"


class ProductDay(models.Model):
    """How many events of each type named a product on one day (UTC), kept up to date like InteractionDay."""

    day = models.DateField(verbose_name=_("day"))
    product = models.ForeignKey(
        "shop.Product",
        related_name="+",
        on_delete=models.CASCADE,
        db_index=False,
        db_constraint=False,
        verbose_name=_("product"),
    )
    type = models.CharField(max_length=32, verbose_name=_("type"))
    count = models.PositiveIntegerField(verbose_name=_("count"))

    class Meta:
        verbose_name = _("daily product count")
        verbose_name_plural = _("daily product counts")
        constraints = [models.UniqueConstraint(fields=["day", "product", "type"], name="one_product_day_per_key")]

    def __str__(self) -> str:
        return f"{self.type} x{self.count} of product {self.product_id} on {self.day}"


class AggregateWatermark(models.Model):
    """The last event id an aggregate has counted."""

    name = models.CharField(max_length=40, primary_key=True, verbose_name=_("name"))
    last_event_id = models.BigIntegerField(default=0, verbose_name=_("last event id"))
    updated_at = models.DateTimeField(auto_now=True, verbose_name=_("updated at"))

    class Meta:
        verbose_name = _("aggregate watermark")
        verbose_name_plural = _("aggregate watermarks")

    def __str__(self) -> str:
        return f"{self.name}: up to event {self.last_event_id}"
