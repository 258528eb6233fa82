"""Named recommendation slots: each picks its candidates, ranks them, and says why."""

from __future__ import annotations

import logging
import time
from collections.abc import Callable

import numpy as np
from django.conf import settings
from django.core.cache import cache
from django.db.models import Count

from personalization.serving.champions import champion_model, version_tag
from personalization.serving.context import ShopperContext
from personalization.serving.ranking import RankedList, candidate_scores, order_by_scores, reasons_for
from personalization.serving.rules import apply_rules
from shop.cache_versions import shelf_version
from shop.models import OrderLine, Product
from shop.selectors import products_in_order

logger = logging.getLogger(__name__)
CANDIDATE_LIMIT = 5000
# The similar slot's pool, in multiples of the cards shown, that a shopper's own model reorders.
SIMILAR_POOL_FACTOR = 4
# Seconds lists of what is in stock and sells are kept; each order starts new keys (shelf_version) at
# once, so this only bounds what a stock change outside orders (the admin, a script) can leave.
SHELF_TTL = 60


def _products(ids) -> list[Product]:
    """In-stock products by id, in that order, ready for cards (one light query when this process has them)."""
    return products_in_order(ids=list(ids), in_stock=True)


def _neighbours(seed_ids, *, k: int, exclude: set[int]) -> list[int]:
    """Items that co-occur with the seeds in shoppers' sessions (co-visitation), strongest first."""
    model = champion_model("covisit")
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


def _catalogue_candidates() -> list[int]:
    """The newest CANDIDATE_LIMIT products in stock: for_you's candidates, cached until the next order.

    Cached under the catalogue and stock versions (see `shop.cache_versions.shelf_version`).
    """
    newest = Product.objects.filter(is_active=True, stock__gt=0).order_by("-created_at").values_list("pk", flat=True)
    return cache.get_or_set(f"serving:candidates:{shelf_version()}", lambda: list(newest[:CANDIDATE_LIMIT]), SHELF_TTL)


def for_you(*, context: ShopperContext, k: int, product: Product | None = None, **_) -> RankedList:
    """The whole catalog ranked for this shopper, minus what is in the cart, was just viewed or is on the page."""
    if product is not None and not context.has_history:
        # Next to a product, a list for a shopper we know nothing about would only repeat the trending row.
        return RankedList(surface="for_you")
    exclude = set(context.cart_product_ids) | set(context.recent_product_ids[-3:])
    if product is not None:
        exclude.add(product.pk)
    ids = [pk for pk in _catalogue_candidates() if pk not in exclude]
    deadline = time.perf_counter() + settings.PERSONALIZATION_TIME_BUDGET_MS / 1000
    scores, ranker = candidate_scores(ids, context=context, deadline=deadline)
    # Fetch a few spare products: rules may exclude some.
    top = order_by_scores(ids, scores)[: k * 2]
    products = apply_rules(_products(top), surface="for_you")[:k]
    return RankedList(
        products=tuple(products),
        ranker=ranker,
        surface="for_you",
        reasons=reasons_for(products, context=context, ranker=ranker),
    )


def similar(*, context: ShopperContext, k: int, product: Product | None = None, **_) -> RankedList:
    """Viewed together with this product, filled up with its category's best sellers.

    A shopper with a history gets that pool ordered by their own model (what they are likely
    to want next among the neighbours of this product); everyone else, and the popularity arm
    of a ranker experiment, gets the co-visitation order.
    """
    if product is None:
        return RankedList(surface="similar")
    pool = k * SIMILAR_POOL_FACTOR
    seen_together = _neighbours([product.pk], k=pool, exclude={product.pk})
    ranker = "covisit" if seen_together else "popularity"
    filler = _popular_in_category(product.category_id, k=pool, exclude={product.pk, *seen_together})
    ids = seen_together[:k] + filler[:k]  # the order everyone gets
    if context.has_history:
        deadline = time.perf_counter() + settings.PERSONALIZATION_TIME_BUDGET_MS / 1000
        scores, personal = candidate_scores(seen_together + filler, context=context, deadline=deadline)
        if personal not in {"popularity", "default"}:  # a model that knows this shopper's history
            ids, ranker = order_by_scores(seen_together + filler, scores), personal
    products = _products(ids[: k * 2])[:k]
    together = set(seen_together)
    reasons = {
        p.pk: f"Viewed with {product.name}" if p.pk in together else f"Popular in {p.category.name}" for p in products
    }
    return RankedList(products=tuple(products), ranker=ranker, surface="similar", reasons=reasons)


def bought_together(*, context: ShopperContext, k: int, product: Product | None = None, **_) -> RankedList:
    """Other products in the orders that contained this one (one aggregate query)."""
    if product is None:
        return RankedList(surface="bought_together")
    products = _products(_bought_with(product.pk, k=k * 2))[:k]
    return RankedList(
        products=tuple(products),
        ranker="bought_together",
        surface="bought_together",
        reasons={p.pk: f"Often bought with {product.name}" for p in products},
    )


def _bought_with(product_id: int, *, k: int) -> list[int]:
    """The products most often in the same orders as this one (one aggregate query, cached until the next order)."""
    orders = OrderLine.objects.filter(product_id=product_id).values("order_id")
    rows = (
        OrderLine.objects.filter(order_id__in=orders)
        .exclude(product_id=product_id)
        .exclude(product=None)
        .values("product_id")
        .annotate(n=Count("order_id", distinct=True))
        .order_by("-n", "product_id")[:k]
    )
    key = f"serving:bought-with:{product_id}:{k}:{shelf_version()}"
    return cache.get_or_set(key, lambda: [row["product_id"] for row in rows], SHELF_TTL)


def complete_your_order(*, context: ShopperContext, k: int, **_) -> RankedList:
    cart = set(context.cart_product_ids)
    if not cart:
        return RankedList(surface="cart")
    ids = _neighbours(sorted(cart), k=k, exclude=cart)
    products = _products(ids)[:k]
    return RankedList(
        products=tuple(products),
        ranker="covisit",
        surface="cart",
        reasons={p.pk: "Goes with your cart" for p in products},
    )


def recently_viewed(*, context: ShopperContext, k: int, product: Product | None = None, **_) -> RankedList:
    current = product.pk if product is not None else None
    ids = [pk for pk in dict.fromkeys(reversed(context.recent_product_ids)) if pk != current][:k]
    products = _products(ids)
    return RankedList(
        products=tuple(products),
        ranker="history",
        surface="recently_viewed",
        reasons={p.pk: "You looked at this" for p in products},
    )


def _popular_in_category(category_id, *, k: int, exclude: set[int]) -> list[int]:
    """The category's in-stock products, best sellers first (cached until the next order or model)."""
    model = champion_model("popularity")

    def best_sellers() -> list[int]:
        ids = list(
            Product.objects.filter(category_id=category_id, is_active=True, stock__gt=0)
            .order_by("-created_at")
            .values_list("pk", flat=True)[:500]
        )
        if model is not None and ids:
            scores = model.score_candidates([], ids)
            ids = [ids[i] for i in np.argsort(-scores, kind="stable")]
        return ids

    key = f"serving:popular-in:{category_id}:{version_tag(model)}:{shelf_version()}"
    return [pk for pk in cache.get_or_set(key, best_sellers, SHELF_TTL) if pk not in exclude][:k]


def trending(*, context: ShopperContext, k: int, category=None, **_) -> RankedList:
    if category is None:
        return RankedList(surface="trending")
    ids = _popular_in_category(category.pk, k=k, exclude=set())
    products = _products(ids)
    return RankedList(
        products=tuple(products),
        ranker="popularity",
        surface="trending",
        reasons={p.pk: f"Trending in {category.name}" for p in products},
    )


SLOTS: dict[str, Callable[..., RankedList]] = {
    "for_you": for_you,
    "similar": similar,
    "bought_together": bought_together,
    "cart": complete_your_order,
    "recently_viewed": recently_viewed,
    "trending": trending,
}


def fill_slot(slot: str, *, k: int = 8, context: ShopperContext, **params) -> RankedList:
    """k products for a named slot; unknown slots and errors give an empty list, never an exception."""
    k = max(1, min(int(k), 48))
    if slot not in SLOTS:
        logger.error("Unknown recommendation slot %r", slot)
        return RankedList(surface=slot)
    if not context.enabled or not settings.PERSONALIZATION_ENABLED:
        if slot == "recently_viewed":
            return RankedList(surface=slot)
    try:
        return SLOTS[slot](context=context, k=k, **params)
    except Exception:
        logger.exception("Slot %s failed; rendering it empty", slot)
        return RankedList(surface=slot)
