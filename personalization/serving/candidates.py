"""Where "Picked for you" finds its candidates: retrieval first, exact ranking after (serving.ranking).

A shop whose in-stock catalogue fits in ``CANDIDATE_LIMIT`` products offers all of it, newest
first: the model then scores every product exactly, as it always has. A larger one merges
three sources, each cheap at any catalogue size:

- the sequence model's best items for the shopper's live history: the nearest item vectors to
  the model's hidden state, from the version's retrieval index (``personalization.recsys.ann``:
  exact below ``RECSYS_RETRIEVAL_EXACT_BELOW`` items, faiss inverted lists above, built at registration);
- what shoppers viewed with the shopper's recent products (co-visitation);
- the best sellers (the popularity model's top items), and the newest products, which no model
  has seen yet.

Products out of stock are dropped by one query over the merged ids; when that leaves too few,
the model is asked for more, so a shelf with many sold-out favourites still fills.
"""

from __future__ import annotations

import logging
import threading
import weakref

import numpy as np
from django.core.cache import cache

from personalization.recommendations.models import ModelVersion
from personalization.recommendations.registry import CorruptArtifact
from personalization.recommendations.retrieval import load_retrieval_index
from personalization.recsys.ann import RetrievalIndex
from personalization.serving.champions import champion_model, model_version, version_tag
from personalization.serving.context import ShopperContext
from shop.cache_versions import PerVersion, shelf_version
from shop.models import Product

logger = logging.getLogger(__name__)
CANDIDATE_LIMIT = 5000  # in-stock products offered whole; past this, retrieval
# Past CANDIDATE_LIMIT, each list's candidates: at most RETRIEVED + NEIGHBOURS + POPULAR + NEWEST (500), all
# scored exactly by the shopper's model. A slot shows 8 to 12. At 1M products 1,000 candidates cost the
# product page and the home page a stock query over 1,000 ids and the second stage's features of every one
# (bench/scale.py, docs/benchmarks.md).
RETRIEVED = 200  # the sequence model's nearest items per shopper
NEIGHBOURS = 100  # co-visited with the recent products
POPULAR = 100
NEWEST = 100
# Seconds lists of what is in stock are kept; each order starts new keys (shelf_version) at once.
SHELF_TTL = 60

_indexes: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()  # loaded model -> RetrievalIndex or None
_popular: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()  # loaded popularity model -> top raw ids
_loading = threading.Lock()


def newest_in_stock() -> list[int]:
    """The newest CANDIDATE_LIMIT products in stock, kept until the next order (`shop.cache_versions.shelf_version`).

    Every page with "Picked for you" asks for it: kept in the process, and shared through the cache so that
    one process reads it from the database, not read from the cache each time (5,000 ids).
    """
    return _newest.get()


def _newest_read(version: str) -> list[int]:
    newest = Product.objects.filter(is_active=True, stock__gt=0).order_by("-created_at").values_list("pk", flat=True)
    limit = CANDIDATE_LIMIT
    return cache.get_or_set(f"serving:candidates:{limit}:{version}", lambda: list(newest[:limit]), SHELF_TTL)


_newest: PerVersion[list[int]] = PerVersion(_newest_read, version=shelf_version)


def _everyones_read(version: str) -> list[int]:
    ids = list(dict.fromkeys(popular(k=POPULAR) + newest_in_stock()[:NEWEST]))
    in_stock = set(Product.objects.filter(pk__any_of=ids, is_active=True, stock__gt=0).values_list("pk", flat=True))
    return [pk for pk in ids if pk in in_stock]


def _everyones_version() -> str:
    popularity = champion_model(ModelVersion.Kind.POPULARITY)
    return f"{shelf_version()}:{version_tag(popularity) if popularity is not None else '-'}"


# The best sellers and the newest products in stock: the same for every shopper, until the next order or champion.
_everyones: PerVersion[list[int]] = PerVersion(_everyones_read, version=_everyones_version)


def for_shopper(*, context: ShopperContext, exclude: set[int]) -> list[int]:
    """Candidate product ids for this shopper's "Picked for you", none of them in `exclude`."""
    newest = newest_in_stock()
    if len(newest) < CANDIDATE_LIMIT:  # the whole in-stock catalogue
        return [pk for pk in newest if pk not in exclude]
    # Retrieved whatever their stock: one query reads the stock of every candidate.
    retrieved = retrieved_for(context=context, exclude=exclude, in_stock=False)
    kept = _in_stock_with_others(retrieved, context=context, exclude=exclude)
    if len(set(retrieved) & set(kept)) < len(retrieved) // 2:
        # Most of the nearest are sold out: retrieval asks for more until half of what it keeps is in stock.
        retrieved = retrieved_for(context=context, exclude=exclude)
        kept = _in_stock_with_others(retrieved, context=context, exclude=exclude)
    return kept


def _in_stock_with_others(retrieved: list[int], *, context: ShopperContext, exclude: set[int]) -> list[int]:
    """The retrieved ids, then the co-visited, popular and newest ones: those in stock and not in `exclude`.

    The shopper's own (retrieved, co-visited) have their stock read here; everyone's are kept in stock.
    """
    own = [
        pk for pk in dict.fromkeys(retrieved + covisited(context.recent_product_ids, k=NEIGHBOURS)) if pk not in exclude
    ]
    in_stock = set(Product.objects.filter(pk__any_of=own, is_active=True, stock__gt=0).values_list("pk", flat=True))
    merged = dict.fromkeys(pk for pk in own if pk in in_stock)
    merged.update(dict.fromkeys(pk for pk in _everyones.get() if pk not in exclude))
    return list(merged)


def retrieved_for(
    *, context: ShopperContext, exclude: set[int], k: int = RETRIEVED, in_stock: bool = True
) -> list[int]:
    """Up to `k` in-stock product ids nearest to the shopper's history in the sequence model, best first.

    `in_stock=False`: the `k` nearest whatever their stock, for a caller whose own query filters them.
    """
    if not context.has_history:
        return []
    model = _sequence_model(context)
    index = retrieval_index(model) if model is not None else None
    if index is None:
        return []
    history = context.history_for(model)
    if not len(history.items):
        return []
    query = model.user_vectors([history])[0].cpu().numpy()
    asked = k
    while True:
        found = index.search(query, asked)
        ids = [int(pk) for pk in _raw_ids(model, found) if pk not in exclude]
        if not in_stock:
            return ids[:k]
        in_stock = set(Product.objects.filter(pk__any_of=ids, is_active=True, stock__gt=0).values_list("pk", flat=True))
        kept = [pk for pk in ids if pk in in_stock]
        # Half of them sold out: ask for more rather than lose the in-stock ones ranked just after.
        if len(kept) >= k // 2 or len(found) < asked:
            return kept[:k]
        asked *= 4


def _sequence_model(context: ShopperContext):
    """The model whose scores rank this shopper's list: a version an experiment pins, else the champion."""
    choice = context.ranker or "model"
    if choice == "popularity":
        return None
    if choice.startswith("model_version:"):
        try:
            return model_version(int(choice.split(":", 1)[1]))
        except ValueError:
            return None
    return champion_model(ModelVersion.Kind.SASREC)


def retrieval_index(model) -> RetrievalIndex | None:
    """The loaded model's retrieval index (read once per process); None for a model without item vectors."""
    if model in _indexes:
        return _indexes[model]
    with _loading:
        if model in _indexes:
            return _indexes[model]
        index = None
        tag = version_tag(model)
        version = ModelVersion.objects.filter(pk=int(tag[1:])).first() if tag.startswith("v") else None
        try:
            if version is not None:
                index = load_retrieval_index(version, model)
        except (CorruptArtifact, OSError, ValueError) as error:
            logger.error("Retrieval index of model version %s cannot serve: %s", tag, error)
        _indexes[model] = index
        return index


def _raw_ids(model, indices: np.ndarray) -> list[int]:
    return [model.item_index.raw_id(int(i)) for i in indices]


def covisited(seed_ids, *, k: int, exclude: set[int] = frozenset()) -> list[int]:
    """Items that co-occur with the seeds in shoppers' sessions (co-visitation), strongest first."""
    model = champion_model(ModelVersion.Kind.COVISIT)
    if model is None or not seed_ids:
        return []
    totals: dict[int, float] = {}
    for index in model.item_index.indices_of(list(seed_ids)):
        if index == 0:
            continue
        items, weights = model.neighbours(int(index))
        for item, weight in zip(items.tolist(), weights.tolist(), strict=True):
            totals[item] = totals.get(item, 0.0) + weight
    ranked = sorted(totals, key=lambda item: (-totals[item], item))
    raw = [model.item_index.raw_id(item) for item in ranked]
    return [pk for pk in raw if pk not in exclude][:k]


def popular(*, k: int) -> list[int]:
    """The popularity champion's top `k` products (computed once per loaded model)."""
    model = champion_model(ModelVersion.Kind.POPULARITY)
    if model is None:
        return []
    top = _popular.get(model)
    if top is None or len(top) < k:
        # Imported here: the models' package loads torch, which only a process that scores needs.
        from personalization.recsys.models.base import History

        scores = np.asarray(model.score([History(np.zeros(0, dtype=np.int64))])[0], dtype=np.float32)
        scores[0] = -np.inf
        k_top = min(max(k, POPULAR), len(scores) - 1)
        best = np.argpartition(-scores, k_top - 1)[:k_top] if k_top > 0 else np.zeros(0, dtype=np.int64)
        best = best[np.lexsort((best, -scores[best]))]
        top = _raw_ids(model, best[np.isfinite(scores[best])])
        _popular[model] = top
    return top[:k]
