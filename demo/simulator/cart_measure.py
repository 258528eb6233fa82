"""How much of what "Complete your order" suggests a simulated shopper would buy, before and after issue 19.

Each simulated shopper (demo.simulator.shoppers) puts in the cart the product they want most
in the category they need most; buying it satisfies that need and raises their needs in the
complementary categories (a camera, then a memory card, a bag, a tripod), exactly as the traffic
simulator's shoppers behave. The cart row is then asked, for the same shoppers and the same carts,
in two ways:

- before: co-viewed products of any type (`strategy="covisit"`, the row before the complement graph);
- after: the row as served now, from the complement graph.

The figure is the share of the k suggestion cards the shopper would buy: the mean of
`behaviour.buy_probability` (eagerness 1) over the k cards, an empty card buying nothing. Also
printed: the share of suggestions of the cart item's own type.

The graph is learned from the shop's own orders and carts. A short simulated history has few of
them (a simulated order holds one product), so `simulated_orders_graph` can learn it instead from
the orders of another population of simulated customers (another seed), each buying what they need
most, then what that purchase made them need, a day apart: the same learning code
(`complements_count`) on a longer history than the traffic simulator can play in minutes.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from demo.simulator import behaviour
from demo.simulator.oracle import sell_chance
from demo.simulator.shoppers import Catalog, catalog_load, shoppers_draw
from personalization.shopper import Unit

STRATEGIES = ("covisit", "complements")
LABELS = {"covisit": "before (co-viewed, any type)", "complements": "after (complement graph)"}


@dataclass(frozen=True)
class CartScore:
    strategy: str
    shoppers: int
    buy_share: float  # mean over shoppers of the share of the k cards they would buy
    same_type_share: float  # of the suggestions shown, the share of the cart item's own type
    shown: float  # mean number of suggestions shown


def cart_suggestions_measure(*, shoppers: int = 300, seed: int = 7, k: int = 4) -> list[CartScore]:
    """Score the cart row under both strategies for the same `shoppers` simulated shoppers and carts."""
    from personalization.serving import ShopperContext, fill_slot
    from shop.models import Product

    catalog = catalog_load()
    if not catalog.items:
        raise ValueError("The shop has no active products; load the demo store first (load_demo_store).")
    in_stock = set(Product.objects.filter(pk__in=list(catalog.items), stock__gt=0).values_list("pk", flat=True))
    population = shoppers_draw(
        count=shoppers, seed=seed, catalog=catalog, start=datetime(2026, 1, 1, tzinfo=UTC), days=1
    )
    totals = {s: [0.0, 0.0, 0, 0] for s in STRATEGIES}  # buy share, same type, shown, shoppers
    for shopper in population:
        carted = _first_choice(shopper, catalog, in_stock)
        if carted is None:
            continue
        shopper.taste.bought(catalog.items[carted].category)
        context = ShopperContext(
            unit=Unit.for_visitor(f"cart-measure-{shopper.index}").key,
            recent_product_ids=(carted,),
            recent_event_types=("add_to_cart",),
            recent_timestamps=(1.7e9,),
            cart_product_ids=(carted,),
        )
        for strategy in STRATEGIES:
            ranked = fill_slot("cart", k=k, context=context, strategy=strategy)
            ids = [p.pk for p in ranked.products]
            totals[strategy][0] += sell_chance(shopper, ids, catalog, k=k)
            totals[strategy][1] += sum(
                1 for pk in ids if pk in catalog.items and catalog.items[pk].category == catalog.items[carted].category
            )
            totals[strategy][2] += len(ids)
            totals[strategy][3] += 1
    return [
        CartScore(
            strategy=strategy,
            shoppers=count,
            buy_share=buy / count if count else 0.0,
            same_type_share=same / shown if shown else 0.0,
            shown=shown / count if count else 0.0,
        )
        for strategy, (buy, same, shown, count) in totals.items()
    ]


def simulated_orders_graph(*, customers: int, seed: int, orders_each: int = 3):
    """Learn and store a ComplementGraph from `customers` simulated customers' orders (seed `seed`)."""
    from personalization.recommendations.complements import (
        baskets_from_orders,
        complement_graph_store,
        complements_count,
    )
    from shop.models import Product

    catalog = catalog_load()
    category_of = dict(Product.objects.filter(pk__in=list(catalog.items)).values_list("pk", "category_id"))
    start = datetime(2026, 1, 1, tzinfo=UTC)
    population = shoppers_draw(count=customers, seed=seed, catalog=catalog, start=start, days=1)
    lines = []
    for shopper in population:
        for order in range(orders_each):
            bought = _first_choice(shopper, catalog, set(category_of))
            if bought is None:
                break
            placed = start + timedelta(days=order)
            lines.append((len(lines) + 1, f"sim:{shopper.index}", placed, bought, category_of[bought]))
            shopper.taste.bought(catalog.items[bought].category)
    baskets = baskets_from_orders(lines)
    return complement_graph_store(complements_count(baskets), snapshot={"simulated_order_baskets": len(baskets)})


def _first_choice(shopper, catalog: Catalog, in_stock: set[int]) -> int | None:
    """The in-stock product of the category the shopper needs most that they want most."""
    need = shopper.taste.top_need()
    options = [pk for pk, item in catalog.items.items() if item.category == need and pk in in_stock]
    if not options:
        return None
    return max(sorted(options), key=lambda pk: behaviour.utility(shopper.taste, catalog.items[pk], seed=shopper.seed))


def table_lines(scores: list[CartScore], *, k: int) -> list[str]:
    lines = [f"{'cart suggestions':<30} {'shoppers':>8} {'shown':>6} {'own type':>9} {'share a shopper would buy':>26}"]
    for score in scores:
        lines.append(
            f"{LABELS[score.strategy]:<30} {score.shoppers:>8} {score.shown:>6.2f} {score.same_type_share:>9.1%}"
            f" {score.buy_share:>26.3f}"
        )
    return lines
