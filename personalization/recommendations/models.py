"""The model registry: every trained recommender, its artifact, metrics and whether it serves pages."""

from __future__ import annotations

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class ModelVersion(models.Model):
    class Kind(models.TextChoices):
        SASREC = "sasrec", "Sequential transformer (SASRec)"
        COVISIT = "covisit", "Co-visitation"
        POPULARITY = "popularity", "Time-decayed popularity"

    class Status(models.TextChoices):
        TRAINING = "training", "Training"
        FAILED = "failed", "Failed"
        CANDIDATE = "candidate", "Candidate (not promoted)"
        CHAMPION = "champion", "Champion (serving)"
        RETIRED = "retired", "Retired"

    kind = models.CharField(max_length=20, choices=Kind.choices, verbose_name=_("kind"))
    status = models.CharField(
        max_length=20, choices=Status.choices, default=Status.TRAINING, db_index=True, verbose_name=_("status")
    )
    artifact = models.FileField(upload_to="models/", blank=True, verbose_name=_("artifact"))
    # sha256 of the artifact: a file that does not match is refused at load.
    checksum = models.CharField(max_length=64, blank=True, verbose_name=_("checksum"))
    config = models.JSONField(default=dict, blank=True)
    snapshot = models.JSONField(default=dict, blank=True, help_text="Statistics of the training data.")
    metrics = models.JSONField(default=dict, blank=True, help_text="Metrics on the time-ordered holdout.")
    champion_metrics = models.JSONField(
        default=dict, blank=True, help_text="The champion's metrics on the same holdout, when compared."
    )
    decision = models.CharField(
        max_length=300, blank=True, help_text="Why it was or was not promoted.", verbose_name=_("decision")
    )
    progress = models.JSONField(default=dict, blank=True, help_text="Epoch, loss and validation while training.")
    device = models.CharField(max_length=40, blank=True, verbose_name=_("device"))
    duration_seconds = models.FloatField(null=True, blank=True, verbose_name=_("duration seconds"))
    task_id = models.CharField(max_length=64, blank=True, verbose_name=_("task id"))
    error = models.TextField(blank=True, verbose_name=_("error"))
    created_at = models.DateTimeField(auto_now_add=True, verbose_name=_("created at"))
    finished_at = models.DateTimeField(null=True, blank=True, verbose_name=_("finished at"))
    promoted_at = models.DateTimeField(null=True, blank=True, verbose_name=_("promoted at"))

    class Meta:
        verbose_name = _("model version")
        verbose_name_plural = _("model versions")
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.UniqueConstraint(fields=["kind"], condition=Q(status="champion"), name="one_champion_per_kind"),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} v{self.pk} ({self.status})"


class MerchandisingRule(models.Model):
    """A shop owner's override of the learned order: pin, boost, bury, exclude, or limit one brand per row."""

    class Action(models.TextChoices):
        PIN = "pin", "Pin a product to a position"
        BOOST = "boost", "Boost"
        BURY = "bury", "Bury"
        EXCLUDE = "exclude", "Exclude"
        DIVERSITY = "diversity", "At most N of one brand in the first row"

    name = models.CharField(max_length=120, verbose_name=_("name"))
    action = models.CharField(max_length=20, choices=Action.choices, verbose_name=_("action"))
    product = models.ForeignKey(
        "shop.Product", null=True, blank=True, on_delete=models.CASCADE, related_name="+", verbose_name=_("product")
    )
    brand = models.ForeignKey(
        "shop.Brand", null=True, blank=True, on_delete=models.CASCADE, related_name="+", verbose_name=_("brand")
    )
    category = models.ForeignKey(
        "shop.Category", null=True, blank=True, on_delete=models.CASCADE, related_name="+", verbose_name=_("category")
    )
    position = models.PositiveIntegerField(
        null=True, blank=True, help_text="Pin: 1 is the first place.", verbose_name=_("position")
    )
    strength = models.FloatField(
        default=1.0, help_text="Boost or bury: how many ranks' worth, 1 = a strong nudge.", verbose_name=_("strength")
    )
    max_per_brand = models.PositiveIntegerField(
        null=True, blank=True, help_text="Diversity: N.", verbose_name=_("max per brand")
    )
    row_size = models.PositiveIntegerField(
        default=4, help_text="Diversity: products in the first row.", verbose_name=_("row size")
    )
    surfaces = models.CharField(
        max_length=200,
        blank=True,
        help_text="Comma-separated pages or slots (home, category, search, for_you...); empty applies everywhere.",
        verbose_name=_("surfaces"),
    )
    is_active = models.BooleanField(default=True, verbose_name=_("is active"))
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("merchandising rule")
        verbose_name_plural = _("merchandising rules")
        ordering = ["action", "position", "pk"]

    def __str__(self) -> str:
        return self.name

    def clean(self):
        from django.core.exceptions import ValidationError

        targets = [t for t in (self.product, self.brand, self.category) if t is not None]
        if self.action == self.Action.PIN and (self.product is None or not self.position):
            raise ValidationError("A pin needs a product and a position (1 = first).")
        if self.action in {self.Action.BOOST, self.Action.BURY, self.Action.EXCLUDE} and len(targets) != 1:
            raise ValidationError("Choose exactly one of product, brand or category.")
        if self.action == self.Action.DIVERSITY and not self.max_per_brand:
            raise ValidationError("A diversity rule needs N (max per brand).")

    def applies_to(self, surface: str) -> bool:
        allowed = {s.strip() for s in self.surfaces.split(",") if s.strip()}
        return not allowed or surface in allowed


class ComplementGraph(models.Model):
    """What goes with what, learned from orders and carts: one row per computation, the newest serves.

    `categories` maps a category id to the other categories whose products its buyers go on to buy
    (strongest first, with a score: the share of its baskets that hold them, kept only above chance);
    `items` maps a product id to the products most often bought or carted with it. Keys are strings
    (JSON); values are lists of [id, score].
    """

    categories = models.JSONField(default=dict, blank=True)
    items = models.JSONField(default=dict, blank=True)
    snapshot = models.JSONField(default=dict, blank=True, help_text="Baskets, orders, carts and edges counted.")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        get_latest_by = "pk"

    def __str__(self) -> str:
        return f"Complement graph v{self.pk}"
