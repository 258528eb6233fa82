"""Fitted models, loaded once per process; a promotion moves the model version and drops the old one.

The model version of a kind (`shop.cache_versions.MODEL`) is the champion's id, which the registry
sets in the shared cache on promotion. Each lookup costs one cache read; the database and the
artifact file are read only when that id moves, and the model it replaces leaves this process's
memory. Versions pinned by an experiment are kept too, the least recently used first out.
"""

from __future__ import annotations

import logging
import threading
import uuid
import weakref
from typing import TYPE_CHECKING

from cachetools import LRUCache
from django.conf import settings

from personalization.recommendations.models import ModelVersion
from personalization.recommendations.registry import CorruptArtifact, load_model
from shop import cache_versions

if TYPE_CHECKING:
    # Only named: torch loads with the first model, not with every process that imports serving.
    from personalization.recsys.models.base import Recommender

logger = logging.getLogger(__name__)
MISSING = 0  # the model version of a kind without a champion
LOADED_MODELS = 8  # a champion per kind and a few versions pinned by experiments

_loaded: LRUCache[int, Recommender | None] = LRUCache(maxsize=LOADED_MODELS)  # version id -> model (None: cannot serve)
_sizes: dict[int, int] = {}  # version id -> bytes of the loaded model's weights (model_bytes)
_champion_ids: dict[str, int] = {}  # kind -> the champion's version id when this process last looked
_tags: weakref.WeakKeyDictionary[Recommender, str] = weakref.WeakKeyDictionary()
_lock = threading.Lock()  # guards _loaded and _champion_ids
_loading = threading.Lock()  # one load at a time; readers of loaded models never wait for it


def _champion_id(kind: str) -> int:
    current = ModelVersion.objects.filter(kind=kind, status=ModelVersion.Status.CHAMPION).only("pk").first()
    return current.pk if current else MISSING


def champion_model(kind: str) -> Recommender | None:
    version_id = cache_versions.version(cache_versions.MODEL, part=kind, source=lambda: _champion_id(kind))
    with _lock:
        previous = _champion_ids.get(kind)
        _champion_ids[kind] = version_id
        # A new champion replaces the old one in memory; no champion at all (everything retired) keeps it for a
        # rollback. An experiment that still pins the old version loads it again.
        if previous not in (None, version_id) and version_id != MISSING:
            _loaded.pop(previous, None)
    return model_version(version_id)


def model_version(version_id: int) -> Recommender | None:
    """A specific version (an experiment may pin one); None when missing, failed or corrupt."""
    if not version_id:
        return None
    with _lock:
        if version_id in _loaded:
            return _loaded[version_id]
    with _loading:
        with _lock:
            if version_id in _loaded:
                return _loaded[version_id]
        model = None
        _limit_threads()
        version = ModelVersion.objects.filter(pk=version_id).exclude(artifact="").first()
        if version is None:
            # Not remembered: a replica behind the primary (or a version still being written) shows it soon.
            return None
        try:
            model = load_model(version)
        except (CorruptArtifact, OSError, ValueError, KeyError) as error:
            logger.error("Model version %s cannot serve: %s", version_id, error)
        if model is not None:
            _tags[model] = f"v{version_id}"
        with _lock:
            _loaded[version_id] = model
            _sizes[version_id] = model_bytes(model)
            _keep_within_bytes(settings.RECSYS_LOADED_MODELS_MAX_BYTES)
        return model


def model_bytes(model: Recommender | None) -> int:
    """The bytes of a loaded model's tensors and arrays (its artifact's state), without what is derived later."""
    return 0 if model is None else _array_bytes(model._state())


def _array_bytes(value) -> int:
    if hasattr(value, "nbytes"):
        return int(value.nbytes)
    if isinstance(value, dict):
        return sum(_array_bytes(member) for member in value.values())
    if isinstance(value, list | tuple):
        return sum(_array_bytes(member) for member in value)
    return 0


def _keep_within_bytes(max_bytes: int) -> None:
    """Drop the least recently used models until the rest fit in max_bytes; the newest one always stays."""
    for gone in set(_sizes) - set(_loaded):
        del _sizes[gone]
    while len(_loaded) > 1 and sum(_sizes.get(v, 0) for v in _loaded) > max_bytes:
        gone, _model = _loaded.popitem()
        _sizes.pop(gone, None)
        logger.info("Model version %s left this process's memory (RECSYS_LOADED_MODELS_MAX_BYTES)", gone)


def version_tag(model: Recommender | None) -> str:
    """A name for a loaded model that means the same in every process (shared cache keys use it)."""
    if model is None:
        return "none"
    tag = _tags.get(model)
    if tag is None:
        # A model not loaded from the registry (tests, a shell): a token of its own, never reused by another
        # model the way a freed object's id() is.
        tag = _tags.setdefault(model, f"p{uuid.uuid4().hex[:16]}")
    return tag


def _limit_threads() -> None:
    """Scoring one shopper is a small matrix product: extra threads only fight the other web workers."""
    import torch

    threads = settings.RECSYS_SERVING_THREADS
    if threads and torch.get_num_threads() != threads:
        torch.set_num_threads(threads)


def forget_loaded_models() -> None:
    """Drop every loaded model (tests, and a worker that wants its memory back)."""
    with _lock:
        _loaded.clear()
        _sizes.clear()
        _champion_ids.clear()
