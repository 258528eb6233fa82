"""The retrieval index of a model version: built when the version is registered, stored beside its artifact.

Only models with item vectors (the sequence model) have one. The file is written only when the
catalogue is at least ``RECSYS_RETRIEVAL_EXACT_BELOW`` items (below that, serving scores every item
exactly and there is nothing to store); ``config["retrieval"]`` records what was built, its file
and checksum, so a file that does not match is refused like an artifact.
"""

from __future__ import annotations

import logging
import time
from typing import TYPE_CHECKING

import numpy as np
from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage

from personalization.recommendations.models import ModelVersion
from personalization.recommendations.registry import CorruptArtifact, artifact_checksum
from personalization.recsys.ann import RetrievalConfig, RetrievalIndex

if TYPE_CHECKING:
    # Only named: torch loads with the first model, not with every process that imports serving.
    from personalization.recsys.models.base import Recommender

logger = logging.getLogger(__name__)


def item_vectors(model: Recommender) -> np.ndarray | None:
    """``[N, D]`` the model's item vectors (row 0 padding) when it scores by a dot product with them, else None."""
    matrix = getattr(model, "item_matrix", None)
    if matrix is None:
        return None
    return matrix().detach().cpu().numpy()


def retrieval_config() -> RetrievalConfig:
    return RetrievalConfig(exact_below=settings.RECSYS_RETRIEVAL_EXACT_BELOW)


def model_version_index(*, version: ModelVersion, model: Recommender) -> None:
    """Build the version's retrieval index and store it beside the artifact (the caller saves the version)."""
    vectors = item_vectors(model)
    if vectors is None:
        return
    started = time.perf_counter()
    index = RetrievalIndex.build(vectors, retrieval_config())
    built = {"items": index.n_items, "exact": index.exact, "seconds": round(time.perf_counter() - started, 3)}
    if not index.exact:
        blob = index.to_bytes()
        name = default_storage.save(f"models/{version.kind}-v{version.pk}.retrieval", ContentFile(blob))
        built |= {"file": name, "checksum": artifact_checksum(blob), "bytes": len(blob)}
    version.config = {**version.config, "retrieval": built}


def load_retrieval_index(version: ModelVersion, model: Recommender) -> RetrievalIndex | None:
    """The stored index over ``model``'s vectors; exact when none was stored; None for a model without vectors."""
    vectors = item_vectors(model)
    if vectors is None:
        return None
    stored = (version.config or {}).get("retrieval") or {}
    if not stored.get("file"):
        if len(vectors) - 1 >= settings.RECSYS_RETRIEVAL_EXACT_BELOW:
            logger.warning("Model version %s has no retrieval index; scoring all its items exactly", version.pk)
        return RetrievalIndex(np.ascontiguousarray(vectors, dtype=np.float32), retrieval_config())
    with default_storage.open(stored["file"], "rb") as fh:
        blob = fh.read()
    if artifact_checksum(blob) != stored.get("checksum"):
        raise CorruptArtifact(f"The retrieval index of {version} does not match its checksum; refusing to load it.")
    return RetrievalIndex.from_bytes(blob, vectors)
