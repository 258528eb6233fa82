"""How well each ranker serves the simulated shoppers' hidden tastes: an offline check only a simulator allows.

A real shop never knows what a shopper would have bought from a list it did not show. The
simulator does: every shopper carries a hidden taste, so any ranked list can be scored by the
chance that its top k would sell (`behaviour.buy_probability` of each card, eagerness 1). For
fresh shoppers with a short history (a few clicks drawn the way simulated shoppers click), this
asks the real serving layer (`fill_slot`, `rank_products`) for each surface under each arm of the
ranker experiment, and compares with the best possible list (the oracle: the surface's candidates,
its category or the whole catalog, plus anything an arm showed, sorted by the hidden utility) and a
random order of the candidates. It tells, in a minute and without an A/B test, on which surfaces the
trained model knows more than popularity, and where it does not.
"""

from __future__ import annotations

import random
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime

from demo.simulator import behaviour
from demo.simulator.shoppers import Catalog, Shopper, catalog_load, shoppers_draw
from personalization.shopper import Unit

SURFACES = ("for_you", "similar", "category")
ARMS = ("popularity", "model")


@dataclass(frozen=True)
class SurfaceScore:
    surface: str
    ranker: str  # an arm of the experiment, "oracle" or "random"
    served_by: str  # the model that actually ranked (the arm's chain may fall back)
    shoppers: int
    sell_chance: float  # mean over shoppers of the mean buy probability of the top k


def sell_chance(shopper: Shopper, product_ids: Sequence[int], catalog: Catalog, *, k: int) -> float:
    """Mean chance over k card slots that the product in each would sell; a slot left empty sells nothing."""
    top = [pk for pk in product_ids if pk in catalog.items][:k]
    values = (behaviour.utility(shopper.taste, catalog.items[pk], seed=shopper.seed) for pk in top)
    return sum(behaviour.buy_probability(value, eagerness=1.0) for value in values) / k


def history_draw(shopper: Shopper, catalog: Catalog, *, length: int) -> list[int]:
    """`length` distinct products the shopper clicked, drawn by how much each would attract them at the top."""
    rng = random.Random(shopper.seed)
    ids = sorted(catalog.items)
    weights = [
        behaviour.click_probability(1, behaviour.utility(shopper.taste, catalog.items[pk], seed=shopper.seed))
        for pk in ids
    ]
    history: list[int] = []
    while len(history) < min(length, len(ids)):
        pick = rng.choices(ids, weights=weights)[0]
        if pick not in history:
            history.append(pick)
    return history


def rankers_against_tastes(
    *, shoppers: int = 200, seed: int = 7, history: int = 2, k: int = 8, catalog: Catalog | None = None
) -> list[SurfaceScore]:
    """Score each surface under each arm, the oracle and a random order, for `shoppers` fresh shoppers."""
    from shop.models import Product

    catalog = catalog or catalog_load()
    if not catalog.items:
        raise ValueError("The shop has no active products; load the demo store first (load_demo_store).")
    population = shoppers_draw(
        count=shoppers, seed=seed, catalog=catalog, start=datetime(2026, 1, 1, tzinfo=UTC), days=1
    )
    products = {p.pk: p for p in Product.objects.filter(pk__in=list(catalog.items)).select_related("category")}
    by_category: dict[str, list[Product]] = {}
    for product in products.values():
        by_category.setdefault(product.category.slug, []).append(product)
    totals: dict[tuple[str, str], list[float]] = {}
    served: dict[tuple[str, str], set[str]] = {}
    for shopper in population:
        clicked = history_draw(shopper, catalog, length=history)
        shown_on = {
            "for_you": list(catalog.items),
            "similar": [
                pk for pk, item in catalog.items.items() if item.category == catalog.items[clicked[-1]].category
            ],
            "category": [p.pk for p in by_category.get(shopper.taste.top_need(), [])],
        }
        for surface in SURFACES:
            candidates = [pk for pk in shown_on[surface] if pk not in clicked]
            pool = set(candidates)
            for arm in ARMS:
                ranked, ranker = _serve(surface, arm, shopper, clicked, products, by_category, k=k)
                totals.setdefault((surface, arm), []).append(sell_chance(shopper, ranked, catalog, k=k))
                served.setdefault((surface, arm), set()).add(ranker)
                pool.update(pk for pk in ranked if pk in catalog.items)  # e.g. co-visited items of another category
            best = sorted(
                sorted(pool),
                key=lambda pk: -behaviour.utility(shopper.taste, catalog.items[pk], seed=shopper.seed),
            )
            totals.setdefault((surface, "oracle"), []).append(sell_chance(shopper, best, catalog, k=k))
            shuffled = random.Random(f"{seed}:{shopper.index}:{surface}").sample(candidates, len(candidates))
            totals.setdefault((surface, "random"), []).append(sell_chance(shopper, shuffled, catalog, k=k))
    return [
        SurfaceScore(
            surface=surface,
            ranker=ranker,
            served_by=", ".join(sorted(served.get((surface, ranker), {ranker}))),
            shoppers=len(values),
            sell_chance=sum(values) / len(values),
        )
        for (surface, ranker), values in totals.items()
    ]


def _serve(
    surface: str, arm: str, shopper: Shopper, clicked: list[int], products, by_category, *, k: int
) -> tuple[list[int], str]:
    """The product ids the site shows on `surface` to a shopper with this history, in the arm's order."""
    from personalization.serving import ShopperContext, fill_slot, rank_products

    context = ShopperContext(
        unit=Unit.for_visitor(f"oracle-{shopper.index}").key,
        recent_product_ids=tuple(clicked),
        recent_event_types=tuple("view" for _ in clicked),
        recent_timestamps=tuple(1.7e9 + 60.0 * i for i in range(len(clicked))),
        ranker=arm,
    )
    if surface == "for_you":
        ranked = fill_slot("for_you", k=k, context=context)
    elif surface == "similar":
        ranked = fill_slot("similar", k=k, context=context, product=products[clicked[-1]])
    else:
        shelf = [p for p in by_category.get(shopper.taste.top_need(), []) if p.pk not in clicked]
        ranked = rank_products(shelf, context=context, surface="category")
    return [p.pk for p in ranked.products if p.pk not in clicked], ranked.ranker


def table_lines(scores: list[SurfaceScore], *, k: int) -> list[str]:
    lines = [f"{'surface':<10} {'ranker':<11} {'served by':<20} chance the top {k} would sell"]
    for score in sorted(scores, key=lambda s: (SURFACES.index(s.surface), s.ranker)):
        lines.append(f"{score.surface:<10} {score.ranker:<11} {score.served_by:<20} {score.sell_chance:.3f}")
    return lines
