"""Fitted models, loaded once per process and reloaded when staff or training promote a new version.

Each lookup costs one cache read (the champion's version id, set by the registry on promotion);
the database and the artifact file are read only when that id moves.
"""

from __future__ import annotations

import logging
import threading
import uuid

from django.conf import settings
from django.core.cache import cache

from personalization.recommendations.models import ModelVersion
from personalization.recsys.models.base import Recommender
from personalization.recommendations.registry import CorruptArtifact, champion_cache_key, load_model

logger = logging.getLogger(__name__)
_loaded: dict[str, tuple[int, Recommender | None]] = {}
_lock = threading.Lock()
MISSING = 0


def champion_model(kind: str) -> Recommender | None:
    version_id = cache.get(champion_cache_key(kind))
    if version_id is None:
        current = ModelVersion.objects.filter(kind=kind, status=ModelVersion.Status.CHAMPION).only("pk").first()
        version_id = current.pk if current else MISSING
        cache.set(champion_cache_key(kind), version_id, None)
    return model_version(version_id)


def model_version(version_id: int) -> Recommender | None:
    """A specific version (an experiment may pin one); None when missing, failed or corrupt."""
    key = f"v{version_id}"
    held = _loaded.get(key)
    if held is not None:
        return held[1]
    if not version_id:
        return None
    with _lock:
        held = _loaded.get(key)
        if held is not None:
            return held[1]
        model = None
        _limit_threads()
        version = ModelVersion.objects.filter(pk=version_id).exclude(artifact="").first()
        if version is not None:
            try:
                model = load_model(version)
            except (CorruptArtifact, OSError, ValueError, KeyError) as error:
                logger.error("Model version %s cannot serve: %s", version_id, error)
        _loaded[key] = (version_id, model)
        return model


def version_tag(model: Recommender | None) -> str:
    """A name for a loaded model that means the same in every process (shared cache keys use it)."""
    if model is None:
        return "none"
    for version_id, loaded in list(_loaded.values()):
        if loaded is model:
            return f"v{version_id}"
    # A model not loaded from the registry (tests, a shell): a token of its own, never reused by another
    # model the way a freed object's id() is.
    token = getattr(model, "_serving_tag", None)
    if token is None:
        token = model._serving_tag = f"p{uuid.uuid4().hex[:16]}"
    return token


def _limit_threads() -> None:
    """Scoring one shopper is a small matrix product: extra threads only fight the other web workers."""
    import torch

    threads = settings.RECSYS_SERVING_THREADS
    if threads and torch.get_num_threads() != threads:
        torch.set_num_threads(threads)


def forget_loaded_models() -> None:
    """Drop every loaded model (tests, and a worker that wants its memory back)."""
    _loaded.clear()
