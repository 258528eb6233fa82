"""What goes with what: a category-to-category complement graph and bought-together pairs, from baskets.

A basket is what one order holds together with what the same customer ordered in the following
FOLLOW_UP_DAYS (a camera today, its memory card next week); what one visitor put in the cart on
one day; and, for categories only, a purchase with what its buyer looked at in the FOLLOW_UP_DAYS
after it. From those, `complements_count` (pure, no Django) learns:

- categories: for category A, the other categories whose products A's baskets hold more often than
  baskets in general do (lift above 1, at least MIN_SUPPORT baskets), scored by the share of A's
  baskets that hold them;
- items: for a product, the products most often in its baskets (at least MIN_SUPPORT baskets).

`complement_graph_build` reads orders and cart events, counts, and stores a new `ComplementGraph`;
serving reads the newest one (personalization.serving.complements), keyed by its id.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import timedelta

FOLLOW_UP_DAYS = 30
HISTORY_DAYS = 365
MIN_SUPPORT = 2
CART_WEIGHT = 0.5  # a cart is weaker evidence than an order
# What a buyer looks at in the FOLLOW_UP_DAYS after a purchase tells what the purchase made them need; weaker still,
# and for categories only (it is no "bought with").
INTEREST_WEIGHT = 0.5
CATEGORIES_KEPT = 8
GRAPH_VERSION_PART = "complements"  # the graph's id lives in shop.cache_versions.MODEL under this part
ITEMS_KEPT = 12


@dataclass(frozen=True)
class Basket:
    """Products bought together (anchor) and what followed them (follow_up, which includes the anchor)."""

    anchor: frozenset[tuple[int, int]]  # (product id, category id)
    follow_up: frozenset[tuple[int, int]]
    weight: float = 1.0
    pairs: bool = True  # whether it counts for item pairs ("often bought with"), not only for categories


@dataclass(frozen=True)
class ComplementCounts:
    categories: dict[int, list[tuple[int, float]]]
    items: dict[int, list[tuple[int, float]]]
    baskets: float


def complements_count(baskets: Iterable[Basket]) -> ComplementCounts:
    """The complement graph of these baskets; a category is never its own complement."""
    holding: Counter[int] = Counter()  # category -> weighted baskets whose anchor holds it
    followed: Counter[int] = Counter()  # category -> weighted baskets whose follow-up holds it
    together: dict[int, Counter[int]] = defaultdict(Counter)
    item_together: dict[int, Counter[int]] = defaultdict(Counter)
    item_support: dict[int, Counter[int]] = defaultdict(Counter)
    total = 0.0
    for basket in baskets:
        total += basket.weight
        anchor_categories = {category for _, category in basket.anchor}
        follow_categories = {category for _, category in basket.follow_up}
        for category in anchor_categories:
            holding[category] += basket.weight
            for other in follow_categories - {category}:
                together[category][other] += basket.weight
        for category in follow_categories:
            followed[category] += basket.weight
        if not basket.pairs:
            continue
        follow_products = {product for product, _ in basket.follow_up}
        for product, _ in basket.anchor:
            for other in follow_products - {product}:
                item_together[product][other] += basket.weight
                item_support[product][other] += 1
    categories: dict[int, list[tuple[int, float]]] = {}
    for category, counts in together.items():
        edges = []
        for other, weight in counts.items():
            share = weight / holding[category]
            base_rate = followed[other] / total
            if weight >= MIN_SUPPORT and share > base_rate:
                edges.append((other, round(share, 4)))
        edges.sort(key=lambda edge: (-edge[1], edge[0]))
        if edges:
            categories[category] = edges[:CATEGORIES_KEPT]
    items: dict[int, list[tuple[int, float]]] = {}
    for product, counts in item_together.items():
        pairs = [(other, round(w, 2)) for other, w in counts.items() if item_support[product][other] >= MIN_SUPPORT]
        pairs.sort(key=lambda pair: (-pair[1], pair[0]))
        if pairs:
            items[product] = pairs[:ITEMS_KEPT]
    return ComplementCounts(categories=categories, items=items, baskets=total)


def baskets_from_orders(lines: Iterable[tuple[int, str, object, int, int]]) -> list[Basket]:
    """Baskets from order lines (order id, customer, created at, product id, category id), one per order."""
    orders: dict[int, set[tuple[int, int]]] = defaultdict(set)
    placed: dict[int, tuple[str, object]] = {}
    for order_id, customer, created_at, product_id, category_id in lines:
        orders[order_id].add((product_id, category_id))
        placed[order_id] = (customer, created_at)
    by_customer: dict[str, list[int]] = defaultdict(list)
    for order_id, (customer, _placed_at) in placed.items():
        by_customer[customer].append(order_id)
    baskets = []
    window = timedelta(days=FOLLOW_UP_DAYS)
    for order_ids in by_customer.values():
        order_ids.sort(key=lambda pk: (placed[pk][1], pk))
        for i, order_id in enumerate(order_ids):
            start = placed[order_id][1]
            follow_up = set(orders[order_id])
            for later in order_ids[i + 1 :]:
                if placed[later][1] - start > window:
                    break
                follow_up |= orders[later]
            baskets.append(Basket(anchor=frozenset(orders[order_id]), follow_up=frozenset(follow_up)))
    return baskets


def baskets_from_carts(adds: Iterable[tuple[str, object, int, int]]) -> list[Basket]:
    """Baskets from cart additions (shopper, day, product id, category id): one per shopper and day."""
    sessions: dict[tuple[str, object], set[tuple[int, int]]] = defaultdict(set)
    for shopper, day, product_id, category_id in adds:
        sessions[(shopper, day)].add((product_id, category_id))
    return [
        Basket(anchor=frozenset(items), follow_up=frozenset(items), weight=CART_WEIGHT)
        for items in sessions.values()
        if len(items) > 1
    ]


def baskets_from_interest(events: Iterable[tuple[str, str, object, int, int]]) -> list[Basket]:
    """Baskets from one shopper's events (shopper, type, when, product id, category id): each purchase, with
    the products the shopper viewed, carted or bought in the FOLLOW_UP_DAYS after it."""
    by_shopper: dict[str, list[tuple[object, str, int, int]]] = defaultdict(list)
    for shopper, kind, when, product_id, category_id in events:
        by_shopper[shopper].append((when, kind, product_id, category_id))
    window = timedelta(days=FOLLOW_UP_DAYS)
    baskets = []
    for timeline in by_shopper.values():
        timeline.sort(key=lambda event: (event[0], event[2]))
        for i, (when, kind, product_id, category_id) in enumerate(timeline):
            if kind != "purchase":
                continue
            later = {(p, c) for w, _k, p, c in timeline[i + 1 :] if when < w <= when + window}
            if later:
                anchor = frozenset({(product_id, category_id)})
                baskets.append(Basket(anchor=anchor, follow_up=anchor | later, weight=INTEREST_WEIGHT, pairs=False))
    return baskets


def complement_graph_build():
    """Count the last HISTORY_DAYS of orders and carts and store a new ComplementGraph (which then serves)."""
    from django.utils import timezone

    from personalization.tracking.aggregates import daily_aggregates_update
    from personalization.tracking.models import Event, InteractionDay
    from shop.models import Order, OrderLine

    since = timezone.now() - timedelta(days=HISTORY_DAYS)
    lines = (
        OrderLine.objects.filter(order__created_at__gte=since, product__isnull=False)
        .exclude(order__status__in=[Order.Status.CANCELLED, Order.Status.REFUNDED])
        .values_list(
            "order_id", "order__user_id", "order__email", "order__created_at", "product_id", "product__category_id"
        )
    )
    # A cart basket is one shopper's additions of one day: the daily aggregates hold exactly that, so the
    # year of carts is read from them (brought up to date with the events since their last run), not from
    # every event. Their user_id is 0 where the event had no account.
    daily_aggregates_update()
    adds = InteractionDay.objects.filter(type=Event.Type.ADD_TO_CART, day__gte=since.date()).values_list(
        "user_id", "visitor_id", "day", "product_id", "product__category_id"
    )
    order_baskets = baskets_from_orders(
        (order, f"u:{user}" if user else f"e:{email}", placed, product, category)
        for order, user, email, placed, product, category in lines.iterator(chunk_size=5000)
    )
    purchasers = Event.objects.filter(type=Event.Type.PURCHASE, timestamp__gte=since).exclude(visitor_id="")
    interest = (
        Event.objects.filter(
            type__in=[Event.Type.PURCHASE, Event.Type.PRODUCT_VIEW, Event.Type.ADD_TO_CART],
            timestamp__gte=since,
            product__isnull=False,
            visitor_id__in=purchasers.values("visitor_id"),
        )
        .values_list("visitor_id", "type", "timestamp", "product_id", "product__category_id")
        .iterator(chunk_size=5000)
    )
    interest_baskets = baskets_from_interest(interest)
    cart_baskets = baskets_from_carts(
        (f"u:{user}" if user else f"v:{visitor}", day, product, category)
        for user, visitor, day, product, category in adds.iterator(chunk_size=5000)
    )
    counts = complements_count([*order_baskets, *cart_baskets, *interest_baskets])
    return complement_graph_store(
        counts,
        snapshot={
            "order_baskets": len(order_baskets),
            "cart_baskets": len(cart_baskets),
            "interest_baskets": len(interest_baskets),
        },
    )


def complement_graph_store(counts: ComplementCounts, *, snapshot: dict):
    """Store counted complements as the new ComplementGraph; it serves from now on in every process."""
    from personalization.recommendations.models import ComplementGraph
    from shop import cache_versions

    graph = ComplementGraph.objects.create(
        categories={str(k): [list(edge) for edge in v] for k, v in counts.categories.items()},
        items={str(k): [list(pair) for pair in v] for k, v in counts.items.items()},
        snapshot={
            **snapshot,
            "category_edges": sum(len(v) for v in counts.categories.values()),
            "item_pairs": sum(len(v) for v in counts.items.values()),
        },
    )
    cache_versions.version_move(cache_versions.MODEL, part=GRAPH_VERSION_PART, to=graph_version(graph))
    return graph


def graph_version(graph) -> str:
    """The version caches key a graph by: its id and creation time (an id alone can come back after a rollback)."""
    return f"{graph.pk}:{graph.created_at.timestamp():.6f}"
