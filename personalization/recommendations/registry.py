"""Promote, roll back and load model versions; serving reads the champion through here."""

from __future__ import annotations

import hashlib
import logging
from typing import TYPE_CHECKING

from django.core.cache import cache
from django.db import transaction
from django.utils import timezone

from personalization.recommendations.models import ModelVersion

if TYPE_CHECKING:
    from personalization.recsys.models.base import Recommender

logger = logging.getLogger(__name__)
Status = ModelVersion.Status


class CorruptArtifact(Exception):
    """The stored file does not match the checksum recorded when it was trained."""


def champion_cache_key(kind: str) -> str:
    return f"recsys:champion:{kind}"


def _announce(version: ModelVersion | None, kind: str) -> None:
    # Every web process compares this key with what it loaded and reloads when it moved.
    transaction.on_commit(lambda: cache.set(champion_cache_key(kind), version.pk if version else 0, None))


def model_version_promote(*, version: ModelVersion, reason: str = "") -> ModelVersion:
    if version.status not in {Status.CANDIDATE, Status.RETIRED, Status.CHAMPION} or not version.artifact:
        raise ValueError(f"Version {version.pk} is {version.status} and cannot serve pages.")
    with transaction.atomic():
        ModelVersion.objects.filter(kind=version.kind, status=Status.CHAMPION).exclude(pk=version.pk).update(
            status=Status.RETIRED
        )
        version.status = Status.CHAMPION
        version.promoted_at = timezone.now()
        fields = ["status", "promoted_at"]
        if reason:
            version.decision = reason[:300]
            fields.append("decision")
        version.save(update_fields=fields)
        _announce(version, version.kind)
    return version


def model_version_rollback(*, kind: str) -> ModelVersion:
    """Put back the version that served before the current champion."""
    with transaction.atomic():
        current = ModelVersion.objects.select_for_update().filter(kind=kind, status=Status.CHAMPION).first()
        previous = (
            ModelVersion.objects.filter(kind=kind, status=Status.RETIRED, promoted_at__isnull=False)
            .exclude(pk=getattr(current, "pk", None))
            .order_by("-promoted_at", "-pk")
            .first()
        )
        if previous is None:
            raise ValueError(f"No earlier {kind} version to roll back to.")
        if current is not None:
            current.status = Status.RETIRED
            current.decision = f"Rolled back to v{previous.pk}."
            current.save(update_fields=["status", "decision"])
        return model_version_promote(version=previous, reason=f"Rollback from v{getattr(current, 'pk', '-')}.")


def champion(kind: str) -> ModelVersion | None:
    return ModelVersion.objects.filter(kind=kind, status=Status.CHAMPION).first()


def artifact_checksum(blob: bytes) -> str:
    return hashlib.sha256(blob).hexdigest()


def load_model(version: ModelVersion, *, device: str = "cpu") -> Recommender:
    """The fitted model of a version; a file whose checksum does not match is refused."""
    # Imported here: torch costs seconds, and the admin and every command import this module.
    from personalization.recsys.models.base import Recommender

    with version.artifact.open("rb") as fh:
        blob = fh.read()
    if artifact_checksum(blob) != version.checksum:
        raise CorruptArtifact(f"The artifact of {version} does not match its checksum; refusing to load it.")
    return Recommender.from_bytes(blob, device=device)
