"""Rank any candidate set for a shopper: the model, then co-visitation, then popularity, then default order."""

from __future__ import annotations

import dataclasses
import logging
import time
import uuid
import weakref
from dataclasses import dataclass, field
from decimal import Decimal
from typing import NamedTuple

import numpy as np
from django.conf import settings
from django.core.cache import cache
from django.utils.translation import gettext as _

from personalization.serving.champions import champion_model, model_version, version_tag
from personalization.serving.context import ShopperContext
from personalization.serving.rules import apply_rules
from shop.cache_versions import PerCatalogVersion, ProcessCache
from shop.listing_counts import kept_key

logger = logging.getLogger(__name__)
SCORE_TTL = 30  # seconds; the history key changes with every new event anyway
# Most buyers rated it badly: at least this many published ratings averaging at most this many stars.
BADLY_RATED_MIN_COUNT = 3
BADLY_RATED_AVERAGE = 2.5


@dataclass(frozen=True)
class RankedList:
    products: tuple = ()
    list_id: str = field(default_factory=lambda: uuid.uuid4().hex[:16])
    ranker: str = "default"
    surface: str = ""
    reasons: dict = field(default_factory=dict)  # product id -> short text

    def __iter__(self):
        return iter(self.products)

    def __len__(self) -> int:
        return len(self.products)

    def __bool__(self) -> bool:
        return bool(self.products)

    def reason_for(self, product) -> str:
        return self.reasons.get(product.pk, "")


def available(products) -> list:
    """Inactive and out-of-stock products are never shown by personalization."""
    return [p for p in products if p.is_active and p.stock > 0]


def ranker_chain(context: ShopperContext) -> list[str]:
    """Which models to try, in order; an experiment's ranker choice narrows it."""
    choice = context.ranker or "model"
    if choice == "popularity":
        return ["popularity"]
    if choice.startswith("model_version:"):
        return [choice, "covisit", "popularity"]
    if context.has_history:
        return ["sasrec", "covisit", "popularity"]
    return ["popularity"]


def _model_for(name: str):
    if name.startswith("model_version:"):
        try:
            return model_version(int(name.split(":", 1)[1]))
        except ValueError:
            return None
    return champion_model(name)


def candidate_scores(
    candidate_ids: list[int], *, context: ShopperContext, deadline: float
) -> tuple[np.ndarray | None, str]:
    """Scores [n_candidates] from the first model in the chain that knows any candidate; None if none does."""
    for name in ranker_chain(context):
        if time.perf_counter() > deadline:
            logger.warning("Personalization time budget spent before %s; default order", name)
            return None, "default"
        model = _model_for(name)
        if model is None:
            continue
        picked = score_with_model(model, name, candidate_ids, context=context)
        if np.isfinite(picked).any():
            return demote_badly_rated_scores(candidate_ids, picked), name
    return None, "default"


def _badly_rated_read(version: str) -> frozenset[int]:
    from shop.models import Product

    return frozenset(
        Product.objects.filter(rating_count__gte=BADLY_RATED_MIN_COUNT, rating_average__lte=BADLY_RATED_AVERAGE)
        .order_by()
        .values_list("pk", flat=True)
    )


_badly_rated_ids: PerCatalogVersion[frozenset[int]] = PerCatalogVersion(_badly_rated_read)


def badly_rated_ids() -> frozenset[int]:
    """Ids of the products most buyers rated badly; read once per catalogue version (a rating moves it)."""
    return _badly_rated_ids.get()


def demote_badly_rated_scores(candidate_ids: list[int], scores: np.ndarray) -> np.ndarray:
    """Scores with the badly rated candidates' moved below every other scored candidate, in their own order.

    Every list a model orders (listings, slots) goes through here, so no model lifts a product its
    buyers regret; a product the model does not know (-inf) stays where it was.
    """
    if not settings.PERSONALIZATION_RATING_SIGNAL:
        return scores
    bad = badly_rated_ids()
    if not bad:
        return scores
    known = np.isfinite(scores)
    demoted = known & np.fromiter((pk in bad for pk in candidate_ids), dtype=bool, count=len(candidate_ids))
    if not demoted.any():
        return scores
    span = float(scores[known].max() - scores[known].min()) + 1.0
    scores = scores.copy()
    scores[demoted] -= span
    return scores


def score_with_model(model, name: str, candidate_ids: list[int], *, context: ShopperContext) -> np.ndarray:
    """[n_candidates] scores of one model for this shopper; -inf for products it never saw.

    Up to PERSONALIZATION_WHOLE_CATALOGUE_SCORES_MAX_ITEMS items the model scores its whole
    catalogue once per history (kept briefly in the cache for the page's other lists); above it,
    the candidates alone: a million items' scores are 4 MB a shopper, and the second stage's
    features of every item cost more than the rest of the page.
    """
    idx = candidate_indices(model, candidate_ids)
    if model.n_items > settings.PERSONALIZATION_WHOLE_CATALOGUE_SCORES_MAX_ITEMS:
        picked = np.array(model.score_items([context.history_for(model)], idx)[0], dtype=np.float32)
    else:
        picked = _full_scores(model, name, context)[idx]
    picked[idx == 0] = -np.inf
    return picked


# Per loaded model, weakly: an entry keyed by id() could outlive its model and serve the next one
# allocated at the same address with the old catalogue's indices.
_lookups: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()


def candidate_indices(model, candidate_ids: list[int]) -> np.ndarray:
    """Model indices [n] of product ids (0 = unknown), through a lookup array built once per loaded model."""
    lookup = _lookups.get(model)
    if lookup is None:
        raw = np.asarray([int(r) for r in model.item_index.raw_ids], dtype=np.int64)
        lookup = np.zeros(int(raw.max(initial=0)) + 1, dtype=np.int64)
        lookup[raw] = np.arange(1, len(raw) + 1)
        _lookups[model] = lookup
    ids = np.asarray(candidate_ids, dtype=np.int64)
    inside = (ids >= 0) & (ids < len(lookup))
    return np.where(inside, lookup[np.where(inside, ids, 0)], 0)


def _full_scores(model, name: str, context: ShopperContext) -> np.ndarray:
    """The model's scores over its whole catalog for this shopper's live history, cached briefly."""
    key = f"serving:scores:{name}:{version_tag(model)}:{context.history_key}"
    cached = cache.get(key) if context.unit else None
    if cached is not None:
        return np.frombuffer(cached, dtype=np.float32)
    scores = np.asarray(model.score([context.history_for(model)])[0], dtype=np.float32)
    if context.unit:
        cache.set(key, scores.tobytes(), SCORE_TTL)
    return scores


def order_by_scores(items: list, scores: np.ndarray | None) -> list:
    """Higher score first; items the model does not know keep their default order after the known ones."""
    if scores is None:
        return list(items)
    scores = np.asarray(scores, dtype=np.float32)
    # A stable sort keeps the default order among equal keys; unknown items (-inf) sink together.
    order = np.argsort(-np.where(np.isfinite(scores), scores, -np.inf), kind="stable")
    return [items[i] for i in order.tolist()]


def badly_rated(product) -> bool:
    """Whether most of the product's buyers rated it badly (a product or a ListingRow)."""
    average = product.rating_average
    return product.rating_count >= BADLY_RATED_MIN_COUNT and average is not None and average <= BADLY_RATED_AVERAGE


def demote_badly_rated(items: list) -> list:
    """The learned order with the badly rated products after all the others, each part in its order.

    A model trained on clicks and purchases learns what sells, not what pleases: without this it
    can lift a product its buyers regret. Off with the rating signal (PERSONALIZATION_RATING_SIGNAL).
    """
    if not settings.PERSONALIZATION_RATING_SIGNAL:
        return items
    low = [badly_rated(item) for item in items]
    if not any(low):
        return items
    return [item for item, bad in zip(items, low, strict=True) if not bad] + [
        item for item, bad in zip(items, low, strict=True) if bad
    ]


def rank_products(products, *, context: ShopperContext, surface: str = "", limit: int | None = None) -> RankedList:
    """Reorder `products` (already fetched) for this shopper; never raises."""
    products = available(products)
    if not context.enabled or not settings.PERSONALIZATION_ENABLED:
        return RankedList(products=tuple(products[:limit] if limit else products), surface=surface)
    ranker = "default"
    try:
        deadline = time.perf_counter() + settings.PERSONALIZATION_TIME_BUDGET_MS / 1000
        scores, ranker = candidate_scores([p.pk for p in products], context=context, deadline=deadline)
        ordered = order_by_scores(products, scores)
        if scores is not None:
            ordered = demote_badly_rated(ordered)
        ordered = apply_rules(ordered, surface=surface)
    except Exception:
        logger.exception("Ranking failed on %s; default order", surface)
        ordered, ranker = products, "default"
    if limit:
        ordered = ordered[:limit]
    return RankedList(
        products=tuple(ordered),
        ranker=ranker,
        surface=surface,
        reasons=reasons_for(ordered, context=context, ranker=ranker),
    )


def reasons_for(products: list, *, context: ShopperContext, ranker: str) -> dict:
    """A short 'why' per product, from the shopper's own history when the model used it.

    A product most buyers rated badly never gets a recommendation's reason: it says its rating, and
    whether the shop's own rules (a pin, a boost) put it before better rated products."""
    recent_names = {}
    if ranker in {"sasrec", "covisit"} or ranker.startswith("model_version:"):
        recent_names = recent_products_by_category(context)
    reasons = {}
    for product in products:
        viewed = recent_names.get(product.category_id)
        if viewed and viewed[0] != product.pk:
            reasons[product.pk] = _("Because you viewed %(name)s") % {"name": viewed[1]}
        elif ranker == "popularity":
            reasons[product.pk] = _("Popular in %(category)s") % {"category": product.category.name}
        elif ranker != "default":
            reasons[product.pk] = _("Trending now")
    if ranker != "default":
        reasons.update(badly_rated_reasons(products))
    return reasons


def badly_rated_reasons(products: list) -> dict:
    """product id -> why a product most buyers rated badly is in this ordered list: its rating, and whether
    something (a pin, a boost) put it before better rated products. Empty with the rating signal off."""
    if not settings.PERSONALIZATION_RATING_SIGNAL:
        return {}
    low = [badly_rated(product) for product in products]
    last_well_rated = max((i for i, bad in enumerate(low) if not bad), default=-1)
    return {
        product.pk: _badly_rated_reason(product, lifted=index < last_well_rated)
        for index, product in enumerate(products)
        if low[index]
    }


def _badly_rated_reason(product, *, lifted: bool) -> str:
    average = {"average": f"{product.rating_average:.1f}"}
    if lifted:
        return _("Placed here by the shop; its buyers rate it %(average)s out of 5") % average
    return _("Shown after better rated products: its buyers rate it %(average)s out of 5") % average


def recent_products_by_category(context: ShopperContext) -> dict[int, tuple[int, str]]:
    """category id -> (product id, name) of the most recent product the shopper looked at in it (one query)."""
    from shop.models import Product

    if not context.recent_product_ids:
        return {}
    recent = list(dict.fromkeys(reversed(context.recent_product_ids)))[:20]
    rows = {
        pk: (cat, name)
        for pk, cat, name in Product.objects.filter(pk__in=recent).values_list("pk", "category_id", "name")
    }
    by_category: dict[int, tuple[int, str]] = {}
    for pk in recent:  # newest first: the first product seen per category wins
        if pk in rows:
            by_category.setdefault(rows[pk][0], (pk, rows[pk][1]))
    return by_category


class ListingRow(NamedTuple):
    """What ranking and rules need of a product in a long listing, without loading the product.

    A tuple: a long listing's head makes hundreds of them per page, straight from the query's rows.
    """

    pk: int
    brand_id: int
    category_id: int
    stock: int
    rating_average: Decimal | None = None  # published reviews only, as on the product
    rating_count: int = 0
    is_active: bool = True


def rank_listing(rows: list[ListingRow], *, context: ShopperContext, surface: str) -> RankedList:
    """Order a whole listing (before pagination) for this shopper; products stay ids until a page is shown.

    A listing is the catalog the shopper browses, so out-of-stock products stay in it, after
    the ones that can be bought; recommendation slots drop them altogether.
    """
    in_stock = [row for row in rows if row.stock > 0]
    sold_out = [row for row in rows if row.stock <= 0]
    if not context.enabled or not settings.PERSONALIZATION_ENABLED or not in_stock:
        return RankedList(products=tuple(row.pk for row in in_stock + sold_out), surface=surface)
    ranker = "default"
    try:
        deadline = time.perf_counter() + settings.PERSONALIZATION_TIME_BUDGET_MS / 1000
        scores, ranker = candidate_scores([row.pk for row in in_stock], context=context, deadline=deadline)
        ordered = order_by_scores(in_stock, scores)
        if scores is not None:
            ordered = demote_badly_rated(ordered)
        ordered = apply_rules(ordered, surface=surface)
    except Exception:
        logger.exception("Ranking the %s listing failed; default order", surface)
        ordered, ranker = in_stock, "default"
    return RankedList(products=tuple(row.pk for row in ordered + sold_out), ranker=ranker, surface=surface)


# A listing longer than this is ranked on its first part plus the shopper's own candidates from the rest
# (see `rank_listing_queryset`); the rest keeps the default order after them. Twenty pages of 24: the
# demo store's longest listing (Electronics, 260 products) is ranked whole, and reading and ranking a
# long category's head costs what twenty pages do, where 2,000 rows cost the web process 9 ms of CPU.
LISTING_CANDIDATES = 480
# The shopper's candidates asked of retrieval and co-visitation for a long listing, over the whole catalogue:
# those in the listing join its head. 200 (with the neighbours, more than twelve pages of the shopper's own
# picks): at 1M products 500 cost the category page 5.5 ms of its 21 (bench/scale.py, docs/benchmarks.md).
LISTING_RETRIEVED = 200
LISTING_NEIGHBOURS = 100
_LISTING_COLUMNS = ListingRow._fields[:6]  # read from the database; every product in a listing is active


def rank_listing_queryset(
    products, *, context: ShopperContext, surface: str, rerank_top: int | None = None, head: int | None = None
) -> RankedList:
    """Rank a filtered product queryset (one query for ids, brands, categories, stock) before pagination.

    The ranked list is the listing's head: its first `head` (`LISTING_CANDIDATES`) products in the
    queryset's order, and, when the listing is longer, the products of the whole listing that this
    shopper's sequence model retrieves and co-visitation offers (`serving.candidates`), so a shopper
    whose taste lies among older products sees them first. The products after the head are
    `listing_rest`'s, in the queryset's order.

    `rerank_top` keeps the queryset's own order after that many (search: relevance decides the matches,
    personalization reorders only the best of them).
    """
    size = head or LISTING_CANDIDATES
    rows = _head_rows(products, size + 1)
    longer = len(rows) > size
    rows = rows[:size]
    ranked_rows, tail = (rows, []) if rerank_top is None else (rows[:rerank_top], rows[rerank_top:])
    if longer and rerank_top is None:
        ranked_rows += _shopper_rows_beyond(products, ranked_rows, context=context)
    ranked = rank_listing(ranked_rows, context=context, surface=surface)
    if tail:
        ranked = dataclasses.replace(ranked, products=ranked.products + tuple(row.pk for row in tail))
    return ranked


# Heads of listings whose filters only a catalogue change or an order can move (shop.listing_counts): the same
# for every shopper until then. At most about 110 kB each (a long listing's 481 rows, each rated).
HEAD_ROWS_BYTES = 8 * 2**20
_heads: ProcessCache[str, tuple[ListingRow, ...]] = ProcessCache(
    max_bytes=HEAD_ROWS_BYTES, sizeof=lambda rows: 64 + 232 * len(rows)
)


def _head_rows(products, size: int) -> list[ListingRow]:
    """The first `size` rows of `products` in its order: kept in this process until the catalogue or stock moves."""
    query = _untranslated(products).values_list(*_LISTING_COLUMNS)[:size]
    key = kept_key(query, "head", reads_stock=True)
    rows = _heads.get(key) if key is not None else None
    if rows is None:
        rows = tuple(ListingRow(*values) for values in query)
        if key is not None:
            _heads.put(key, rows)
    return list(rows)


def has_rest(ranked: RankedList, *, head: int | None = None) -> bool:
    """Whether the listing ranked as `ranked` goes on past its head (see `listing_rest`)."""
    return len(ranked.products) >= (head or LISTING_CANDIDATES)


def listing_rest(products, ranked: RankedList, *, head: int | None = None):
    """The products of `products` after the ranked head, in the queryset's order: a queryset of ids.

    None when the head holds the whole listing (`head` as given to `rank_listing_queryset`). The head's
    ids are left out by the database, which reads only as far into the listing as the page asked for.
    """
    if not has_rest(ranked, head=head):
        return None
    return products.exclude(pk__any_of=ranked.products).values_list("pk", flat=True)


def _untranslated(products):
    """`products` read without modeltranslation's row rewriting: the listing's columns have no translations.

    Its rewriting builds two dictionaries per row, most of the web process's time for a 2,000-row head.
    """
    rewrite = getattr(products, "rewrite", None)
    return products if rewrite is None else rewrite(False)


def _shopper_rows_beyond(products, head: list[ListingRow], *, context: ShopperContext) -> list[ListingRow]:
    """Rows of `products` outside `head` that this shopper's models would pick from the whole catalogue."""
    if not context.enabled or not settings.PERSONALIZATION_ENABLED or not context.has_history:
        return []
    # Imported here: candidates loads retrieval indexes through the registry, which this module's importers load.
    from personalization.serving import candidates

    try:
        # Stock is read by the listing's own query below: one query for the retrieved ids, not two.
        found = candidates.retrieved_for(context=context, exclude=set(), k=LISTING_RETRIEVED, in_stock=False)
        found += candidates.covisited(context.recent_product_ids, k=LISTING_NEIGHBOURS)
    except Exception:
        logger.exception("Retrieving a long listing's candidates failed; its first part is ranked alone")
        return []
    seen = {row.pk for row in head}
    wanted = [pk for pk in dict.fromkeys(found) if pk not in seen]
    if not wanted:
        return []
    found_rows = _untranslated(products).filter(pk__any_of=wanted, stock__gt=0).values_list(*_LISTING_COLUMNS)
    return [ListingRow(*values) for values in found_rows]
