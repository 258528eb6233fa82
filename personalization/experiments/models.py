"""Experiments, their variants, who saw which variant first (Exposure), and bandit allocations."""

from __future__ import annotations

import secrets

from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from personalization.experiments.assignment import WEIGHT_TOTAL
from personalization.experiments.surfaces import SURFACE_CHOICES, validate_config

METRICS = {
    "conversion": "Conversion rate",
    "revenue_per_visitor": "Revenue per visitor",
    "purchases_per_visitor": "Purchases per visitor",
}


def new_salt() -> str:
    return secrets.token_hex(8)


class Experiment(models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", "Draft"
        RUNNING = "running", "Running"
        PAUSED = "paused", "Paused"
        STOPPED = "stopped", "Stopped"

    class PrimaryMetric(models.TextChoices):
        CONVERSION = "conversion", "Conversion rate"
        REVENUE_PER_VISITOR = "revenue_per_visitor", "Revenue per visitor"

    class Device(models.TextChoices):
        ANY = "any", "Any device"
        MOBILE = "mobile", "Mobile"
        DESKTOP = "desktop", "Desktop"

    class Visitors(models.TextChoices):
        ANY = "any", "New and returning"
        NEW = "new", "New visitors only"
        RETURNING = "returning", "Returning visitors only"

    key = models.SlugField(
        max_length=60, unique=True, help_text="Used in ?exp_<key>=<variant> and the API.", verbose_name=_("key")
    )
    name = models.CharField(max_length=120, verbose_name=_("name"))
    hypothesis = models.TextField(blank=True, verbose_name=_("hypothesis"))
    status = models.CharField(
        max_length=10, choices=Status.choices, default=Status.DRAFT, db_index=True, verbose_name=_("status")
    )
    surface = models.CharField(max_length=40, choices=SURFACE_CHOICES, verbose_name=_("surface"))
    traffic_percent = models.PositiveSmallIntegerField(
        default=100,
        validators=[MaxValueValidator(100)],
        help_text="Share of units in the experiment (0-100). Raising it keeps everyone in their variant.",
        verbose_name=_("traffic percent"),
    )
    salt = models.CharField(
        max_length=32, default=new_salt, help_text="Changing it reshuffles every unit.", verbose_name=_("salt")
    )
    primary_metric = models.CharField(
        max_length=30, choices=PrimaryMetric.choices, default=PrimaryMetric.CONVERSION, verbose_name=_("primary metric")
    )
    guardrail_metrics = models.JSONField(
        default=list,
        blank=True,
        help_text=f"Metrics that must not get worse: {', '.join(METRICS)}.",
        verbose_name=_("guardrail metrics"),
    )
    target_device = models.CharField(
        max_length=10, choices=Device.choices, default=Device.ANY, verbose_name=_("target device")
    )
    target_visitors = models.CharField(
        max_length=10, choices=Visitors.choices, default=Visitors.ANY, verbose_name=_("target visitors")
    )
    target_segment = models.CharField(
        max_length=40,
        blank=True,
        help_text="Empty for everyone, or signed_in, anonymous, app.",
        verbose_name=_("target segment"),
    )
    bandit = models.BooleanField(
        default=False,
        help_text="Thompson sampling: shift new traffic towards the variant that converts best.",
        verbose_name=_("bandit"),
    )
    started_at = models.DateTimeField(null=True, blank=True, verbose_name=_("started at"))
    ended_at = models.DateTimeField(null=True, blank=True, verbose_name=_("ended at"))
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("experiment")
        verbose_name_plural = _("experiments")
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["surface"], condition=Q(status="running"), name="one_running_experiment_per_surface"
            ),
            models.CheckConstraint(condition=Q(traffic_percent__lte=100), name="experiment_traffic_at_most_100"),
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.key})"

    def clean(self) -> None:
        from personalization.experiments.segments import SEGMENTS

        errors: dict[str, list[str]] = {}
        guardrails = self.guardrail_metrics
        if not isinstance(guardrails, list) or any(metric not in METRICS for metric in guardrails):
            errors["guardrail_metrics"] = [f"Use a list of metric names among {', '.join(METRICS)}."]
        if self.target_segment and self.target_segment not in SEGMENTS:
            errors["target_segment"] = [f"Unknown segment; use one of {', '.join(SEGMENTS)} or leave it empty."]
        if self.pk and self.status == self.Status.RUNNING:
            stored = Experiment.objects.filter(pk=self.pk).values("surface", "salt", "key").first()
            for name in ("surface", "salt", "key"):
                if stored and stored[name] != getattr(self, name):
                    errors[name] = [f"The {name} of a running experiment cannot change; pause or stop it first."]
        if self.status == self.Status.RUNNING and self.surface:
            clash = Experiment.objects.filter(status=self.Status.RUNNING, surface=self.surface).exclude(pk=self.pk)
            if clash.exists():
                errors["surface"] = [f"Experiment {clash.first().key!r} is already running on this surface."]
        if errors:
            raise ValidationError(errors)


class Variant(models.Model):
    experiment = models.ForeignKey(Experiment, related_name="variants", on_delete=models.CASCADE)
    key = models.SlugField(max_length=40)
    name = models.CharField(max_length=120, blank=True)
    weight = models.PositiveSmallIntegerField(
        validators=[MaxValueValidator(WEIGHT_TOTAL)], help_text="Percent of the experiment's units; all sum to 100."
    )
    is_control = models.BooleanField(default=False)
    config = models.JSONField(default=dict, blank=True, help_text='E.g. {"layout": "editorial"}.')
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["position", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["experiment", "key"], name="one_variant_key_per_experiment"),
            models.UniqueConstraint(
                fields=["experiment"], condition=Q(is_control=True), name="one_control_per_experiment"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.experiment.key}/{self.key}"

    def clean(self) -> None:
        if self.experiment_id is None:
            return
        try:
            validate_config(self.experiment.surface, self.config)
        except ValidationError as error:
            raise ValidationError({"config": error.messages}) from error
        if self.pk and self.experiment.status == Experiment.Status.RUNNING:
            stored = Variant.objects.filter(pk=self.pk).values("weight", "key", "config").first()
            if stored and (stored["weight"], stored["key"], stored["config"]) != (self.weight, self.key, self.config):
                raise ValidationError(
                    "The variants of a running experiment cannot change (that would move shoppers between "
                    "variants mid-test); pause it, or stop it and start a new one."
                )


class Exposure(models.Model):
    """The first time a unit saw a variant of an experiment; later views change nothing."""

    class UnitType(models.TextChoices):
        USER = "user", "Signed-in user"
        VISITOR = "visitor", "Visitor"

    experiment = models.ForeignKey(
        Experiment, related_name="exposures", on_delete=models.CASCADE, verbose_name=_("experiment")
    )
    variant = models.ForeignKey(Variant, related_name="exposures", on_delete=models.CASCADE, verbose_name=_("variant"))
    unit_id = models.CharField(max_length=80, verbose_name=_("unit id"))
    unit_type = models.CharField(max_length=10, choices=UnitType.choices, verbose_name=_("unit type"))
    # The unit split into the columns events carry, so results join events on an index, not a string.
    user_id = models.BigIntegerField(null=True, blank=True, verbose_name=_("user id"))
    visitor_id = models.CharField(max_length=64, blank=True, verbose_name=_("visitor id"))
    device = models.CharField(max_length=10, blank=True, verbose_name=_("device"))
    exposed_at = models.DateTimeField(verbose_name=_("exposed at"))
    # Set when a user inherited the variant of the visitor id they signed in from: that person
    # is already counted as the visitor unit, so results skip this row.
    carried_from = models.CharField(max_length=80, blank=True, verbose_name=_("carried from"))

    class Meta:
        verbose_name = _("exposure")
        verbose_name_plural = _("exposures")
        ordering = ["exposed_at", "pk"]
        constraints = [models.UniqueConstraint(fields=["experiment", "unit_id"], name="one_exposure_per_unit")]
        indexes = [
            models.Index(fields=["experiment", "variant"], name="experiments_exposure_variant"),
            models.Index(fields=["experiment", "exposed_at"], name="experiments_exposure_time"),
        ]

    def __str__(self) -> str:
        return f"{self.unit_id} saw {self.variant} at {self.exposed_at:%Y-%m-%d %H:%M}"


class Allocation(models.Model):
    """One bandit re-allocation: the weights it set and the posterior chance that each variant is best."""

    experiment = models.ForeignKey(Experiment, related_name="allocations", on_delete=models.CASCADE)
    weights = models.JSONField(help_text="Variant key -> percent.")
    chance_best = models.JSONField(help_text="Variant key -> posterior probability of being best.")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.experiment.key} at {self.created_at:%Y-%m-%d %H:%M}: {self.weights}"
