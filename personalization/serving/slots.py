"""Named recommendation slots: each picks its candidates, ranks them, and says why."""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
from django.conf import settings
from django.core.cache import cache
from django.db.models import Count, F
from django.utils.translation import gettext

from personalization.serving.candidates import covisited, for_shopper
from personalization.serving.champions import champion_model, version_tag
from personalization.serving.complements import bought_with, complement_categories
from personalization.serving.context import ShopperContext
from personalization.serving.ranking import (
    RankedList,
    badly_rated_reasons,
    candidate_scores,
    demote_badly_rated,
    order_by_scores,
    reasons_for,
)
from personalization.serving.rules import apply_rules
from personalization.serving.trending import rising_in_category
from shop.cache_versions import shelf_version
from shop.models import OrderLine, Product
from shop.selectors import products_in_order

logger = logging.getLogger(__name__)
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
    return covisited(seed_ids, k=k, exclude=exclude)


def for_you(*, context: ShopperContext, k: int, product: Product | None = None, **_) -> RankedList:
    """The catalogue's best for this shopper (serving.candidates retrieves, the model ranks exactly), minus what
    is in the cart, was just viewed or is on the page."""
    if product is not None and not context.has_history:
        # Next to a product, a list for a shopper we know nothing about would only repeat the trending row.
        return RankedList(surface="for_you")
    exclude = set(context.cart_product_ids) | set(context.recent_product_ids[-3:])
    if product is not None:
        exclude.add(product.pk)
    ids = for_shopper(context=context, exclude=exclude)
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
    """Substitutes: products of the same type viewed with this one, filled up with its type's best sellers.

    A shopper with a history gets that pool ordered by their own model (what they are likely
    to want next among the neighbours of this product); everyone else, and the popularity arm
    of a ranker experiment, gets the co-visitation order. Co-viewed products of another type are
    complements: the bought-together row shows those.
    """
    if product is None:
        return RankedList(surface="similar")
    pool = k * SIMILAR_POOL_FACTOR
    near = _neighbours([product.pk], k=pool, exclude={product.pk})
    same_type = {p.pk for p in _products(near) if p.category_id == product.category_id}
    seen_together = [pk for pk in near if pk in same_type]
    ranker = "covisit" if seen_together else "popularity"
    filler = _popular_in_category(product.category_id, k=pool, exclude={product.pk, *seen_together})
    ids = seen_together[:k] + filler[:k]  # the order everyone gets
    if context.has_history:
        deadline = time.perf_counter() + settings.PERSONALIZATION_TIME_BUDGET_MS / 1000
        scores, personal = candidate_scores(seen_together + filler, context=context, deadline=deadline)
        if personal not in {"popularity", "default"}:  # a model that knows this shopper's history
            ids, ranker = order_by_scores(seen_together + filler, scores), personal
    # Co-visitation and best sellers know nothing of ratings: a product most buyers rated badly goes after the others.
    products = demote_badly_rated(_products(ids[: k * 2]))[:k]
    together = set(seen_together)
    reasons = {
        p.pk: gettext("Viewed with %(name)s") % {"name": product.name}
        if p.pk in together
        else gettext("Popular in %(category)s") % {"category": p.category.name}
        for p in products
    }
    reasons.update(badly_rated_reasons(products))
    return RankedList(products=tuple(products), ranker=ranker, surface="similar", reasons=reasons)


def bought_together(*, context: ShopperContext, k: int, product: Product | None = None, **_) -> RankedList:
    """Complements of this product: what its buyers also bought, then the best of the types that go with it."""
    if product is None:
        return RankedList(surface="bought_together")
    seed = Seed(pk=product.pk, name=product.name, category_id=product.category_id)
    products, reasons, ranker = _goes_with([seed], k=k, context=context, surface="bought_together")
    return RankedList(products=tuple(products), ranker=ranker, surface="bought_together", reasons=reasons)


def complete_your_order(*, context: ShopperContext, k: int, strategy: str = "complements", **_) -> RankedList:
    """Complements of the cart, never of a cart item's own type while anything else is known.

    `strategy="covisit"` is the row as it was before the complement graph (co-viewed products of
    any type); only the simulator's before/after measure (demo.simulator.cart_measure) asks for it.
    """
    cart = list(dict.fromkeys(context.cart_product_ids))
    if not cart:
        return RankedList(surface="cart")
    if strategy == "covisit":
        products = _products(_neighbours(sorted(cart), k=k, exclude=set(cart)))[:k]
        reasons = {p.pk: gettext("Goes with your cart") for p in products}
        return RankedList(products=tuple(products), ranker="covisit", surface="cart", reasons=reasons)
    rows = Product.objects.filter(pk__in=cart).values_list("pk", "name", "category_id")  # one light query
    seeds = [Seed(pk=pk, name=name, category_id=category_id) for pk, name, category_id in rows]
    products, reasons, ranker = _goes_with(seeds, k=k, context=context, surface="cart")
    return RankedList(products=tuple(products), ranker=ranker, surface="cart", reasons=reasons)


@dataclass(frozen=True)
class Seed:
    """A product whose complements a row shows: a cart item or the page's product."""

    pk: int
    name: str
    category_id: int


def _goes_with(seeds: list[Seed], *, k: int, context: ShopperContext, surface: str) -> tuple[list, dict, str]:
    """Up to k complements of the seeds: learned pairs first, then one type after another (round robin).

    Products of a seed's own type are left out unless the shop sells nothing of another type; within a
    type, a shopper's own model (when it knows their history) orders the best sellers.
    """
    seed_ids = [p.pk for p in seeds]
    seed_types = {p.category_id for p in seeds}
    names = {p.pk: p.name for p in seeds}
    # Learned pairs, then what this morning's orders put together (the graph is rebuilt every hour).
    learned = bought_with(seed_ids)
    pairs = list(dict.fromkeys([*learned, *_ordered_with(seed_ids[:8], k=k * 2)]))[: k * 4]
    types = complement_categories(sorted(seed_types))[:k]
    best_sellers = {c: _popular_in_category(c, k=k * 2, exclude=set(seed_ids)) for c in types}
    pool = list(dict.fromkeys([pk for pk, _seed in pairs] + [pk for ids in best_sellers.values() for pk in ids]))
    products = {p.pk: p for p in _products(pool)} if pool else {}
    ranker = "complements"
    rank = {pk: i for i, pk in enumerate(pool)}
    if context.has_history and pool:
        deadline = time.perf_counter() + settings.PERSONALIZATION_TIME_BUDGET_MS / 1000
        scores, personal = candidate_scores(pool, context=context, deadline=deadline)
        if personal not in {"popularity", "default"}:
            rank = {pk: i for i, pk in enumerate(order_by_scores(pool, scores))}
    goes_with = (
        gettext("Goes with your cart") if surface == "cart" else gettext("Goes with %(name)s") % {"name": seeds[0].name}
    )
    queues: dict[int, list[int]] = {}  # type -> products, learned pairs first; types in the order they came
    reasons: dict[int, str] = {}
    for pk, seed in pairs:
        item = products.get(pk)
        if item is not None and item.category_id not in seed_types:
            queues.setdefault(item.category_id, []).append(pk)
            reasons[pk] = gettext("Often bought with %(name)s") % {"name": names[seed]}
    for category in types:
        for pk in sorted(best_sellers[category], key=rank.__getitem__):
            if pk in products and pk not in reasons:
                queues.setdefault(category, []).append(pk)
                reasons[pk] = goes_with
    # Neither learned pairs nor best sellers know ratings: a product most buyers rated badly goes after the others.
    ordered = [p.pk for p in demote_badly_rated([products[pk] for pk in round_robin(list(queues.values()))])][:k]
    if not ordered:
        # Nothing learned yet: what shoppers viewed with the seeds, of another type. The seeds' own type only in a
        # shop that sells no other: a substitute is no complement, and a row of nothing is left off the page.
        ranker = "covisit"
        paired = {pk: seed for pk, seed in pairs}
        near = _neighbours(seed_ids, k=k * 4, exclude=set(seed_ids))
        found = _products(dict.fromkeys([*paired, *near])) if paired or near else []
        others = [p for p in found if p.category_id not in seed_types]
        if (
            not others
            and found
            and not Product.objects.filter(is_active=True).exclude(category_id__in=seed_types).exists()
        ):
            others = found
        products = {p.pk: p for p in found}
        ordered = [p.pk for p in demote_badly_rated(others)][:k]
        reasons = {
            pk: gettext("Often bought with %(name)s") % {"name": names[paired[pk]]}
            if pk in paired
            else gettext("Viewed with %(name)s") % {"name": seeds[0].name}
            for pk in ordered
        }
    shown = [products[pk] for pk in ordered]
    return shown, {pk: reasons[pk] for pk in ordered} | badly_rated_reasons(shown), ranker


def _ordered_with(seed_ids: list[int], *, k: int) -> list[tuple[int, int]]:
    """(product, seed): the products most often in the seeds' orders (one query, kept until the next order)."""
    if not seed_ids:
        return []
    rows = (
        OrderLine.objects.filter(order__lines__product_id__in=seed_ids)
        .exclude(product_id__in=seed_ids)
        .exclude(product=None)
        .values("product_id", seed=F("order__lines__product_id"))
        .annotate(n=Count("order_id", distinct=True))
        .order_by("-n", "product_id", "seed")
    )
    key = f"serving:bought-with:{','.join(map(str, sorted(seed_ids)))}:{k}:{shelf_version()}"
    pairs = cache.get_or_set(key, lambda: [(r["product_id"], r["seed"]) for r in rows[: k * len(seed_ids)]], SHELF_TTL)
    return [tuple(pair) for pair in pairs]


def round_robin(queues: list[list[int]]) -> list[int]:
    """The first of each queue, then the second of each, and so on; a product already taken is skipped."""
    ordered: list[int] = []
    taken: set[int] = set()
    for i in range(max((len(q) for q in queues), default=0)):
        for queue in queues:
            if i < len(queue) and queue[i] not in taken:
                ordered.append(queue[i])
                taken.add(queue[i])
    return ordered


def recently_viewed(*, context: ShopperContext, k: int, product: Product | None = None, **_) -> RankedList:
    current = product.pk if product is not None else None
    ids = [pk for pk in dict.fromkeys(reversed(context.recent_product_ids)) if pk != current][:k]
    products = _products(ids)
    return RankedList(
        products=tuple(products),
        ranker="history",
        surface="recently_viewed",
        reasons={p.pk: gettext("You looked at this") for p in products},
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
    """What rises in the category now (personalization.serving.trending), not its all-time best sellers."""
    if category is None:
        return RankedList(surface="trending")
    products = demote_badly_rated(_products(rising_in_category(category.pk)[: k * 2]))[:k]
    reason = gettext("Trending in %(category)s") % {"category": category.name}
    reasons = {p.pk: reason for p in products} | badly_rated_reasons(products)
    return RankedList(products=tuple(products), ranker="trending", surface="trending", reasons=reasons)


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
