"""The model registry: every trained recommender, its artifact, metrics and whether it serves pages."""

from __future__ import annotations

from django.db import models
from django.db.models import Q


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

    kind = models.CharField(max_length=20, choices=Kind.choices)
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.TRAINING, db_index=True)
    artifact = models.FileField(upload_to="models/", blank=True)
    # sha256 of the artifact: a file that does not match is refused at load.
    checksum = models.CharField(max_length=64, blank=True)
    config = models.JSONField(default=dict, blank=True)
    snapshot = models.JSONField(default=dict, blank=True, help_text="Statistics of the training data.")
    metrics = models.JSONField(default=dict, blank=True, help_text="Metrics on the time-ordered holdout.")
    champion_metrics = models.JSONField(
        default=dict, blank=True, help_text="The champion's metrics on the same holdout, when compared."
    )
    decision = models.CharField(max_length=300, blank=True, help_text="Why it was or was not promoted.")
    progress = models.JSONField(default=dict, blank=True, help_text="Epoch, loss and validation while training.")
    device = models.CharField(max_length=40, blank=True)
    duration_seconds = models.FloatField(null=True, blank=True)
    task_id = models.CharField(max_length=64, blank=True)
    error = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    promoted_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.UniqueConstraint(fields=["kind"], condition=Q(status="champion"), name="one_champion_per_kind"),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} v{self.pk} ({self.status})"

    @property
    def headline(self) -> str:
        if not self.metrics:
            return ""
        return f"NDCG@10 {self.metrics.get('ndcg@10', 0):.3f} · HR@10 {self.metrics.get('hr@10', 0):.3f}"
