"""The training snapshot: behaviour events and product content, exported from the database for recsys.

Each row's unit is the user when the event is linked to one (directly, or through a
visitor id the user signed in with), the visitor otherwise, so anonymous history
before sign-in trains the same sequence as what follows it.
"""

from __future__ import annotations

from collections.abc import Iterator

from personalization.recsys.choices import Choice
from personalization.recsys.data import rated_purchase
from personalization.shopper import Unit
from personalization.tracking.models import Event, VisitorLink
from shop.models import Product
from shop.reviews.models import Review

# Which behaviour counts as an interaction, and under which recsys event type.
INTERACTION_TYPES = {
    Event.Type.PRODUCT_VIEW: "view",
    Event.Type.LIST_CLICK: "view",
    Event.Type.ADD_TO_CART: "add_to_cart",
    Event.Type.PURCHASE: "purchase",
}


def interaction_rows(
    *, since=None, ratings: bool = False, chunk_size: int = 5000
) -> Iterator[tuple[str, int, float, str]]:
    """(unit, product id, epoch seconds, event type), streamed in database order.

    The events are read `chunk_size` at a time (a server-side cursor on PostgreSQL), so what the
    export holds is one chunk, not the table; `build_dataset` turns the stream into sequences as it goes.

    With `ratings`, a purchase its buyer reviewed carries the stars (`recsys.data.rated_purchase`):
    the review's current rating, whatever its moderation state, since it is the buyer's own verdict.
    """
    links = dict(VisitorLink.objects.values_list("visitor_id", "user_id"))
    stars = purchase_ratings() if ratings else {}
    events = Event.objects.filter(type__in=list(INTERACTION_TYPES), product__isnull=False)
    if since is not None:
        events = events.filter(timestamp__gte=since)
    fields = ("user_id", "visitor_id", "product_id", "timestamp", "type")
    for user_id, visitor_id, product_id, timestamp, event_type in (
        events.values_list(*fields).order_by().iterator(chunk_size=chunk_size)
    ):
        kind = INTERACTION_TYPES[event_type]
        if kind == "purchase" and stars:
            kind = rated_purchase(stars.get((user_id or links.get(visitor_id), product_id)))
        yield _unit(user_id, visitor_id, links), product_id, timestamp.timestamp(), kind


def aggregated_interaction_rows(*, ratings: bool = False) -> Iterator[tuple[str, int, float, str]]:
    """Like `interaction_rows`, from the daily aggregates: one row per unit, product, day and event type,
    at its first time that day (repeats within a day are one interaction). What the models refreshed every
    few minutes read: the aggregates grow with units and days, not with every event.
    """
    from personalization.tracking.models import InteractionDay

    links = dict(VisitorLink.objects.values_list("visitor_id", "user_id"))
    stars = purchase_ratings() if ratings else {}
    fields = ("user_id", "visitor_id", "product_id", "first_at", "type")
    for user_id, visitor_id, product_id, first_at, event_type in (
        InteractionDay.objects.values_list(*fields).order_by().iterator(chunk_size=5000)
    ):
        kind = INTERACTION_TYPES.get(event_type)
        if kind is None:
            continue
        if kind == "purchase" and stars:
            kind = rated_purchase(stars.get((user_id or links.get(visitor_id), product_id)))
        yield _unit(user_id or None, visitor_id, links), product_id, first_at.timestamp(), kind


def purchase_ratings() -> dict[tuple[int, int], int]:
    """(user id, product id) -> the stars of that user's review of that product."""
    return {
        (user_id, product_id): rating
        for user_id, product_id, rating in Review.objects.values_list("user_id", "product_id", "rating").order_by()
    }


def _unit(user_id: int | None, visitor_id: str, links: dict[str, int]) -> str:
    user_id = user_id or links.get(visitor_id)
    return Unit.for_user(user_id).key if user_id else Unit.for_visitor(visitor_id).key


def choice_rows(*, since=None) -> list[Choice]:
    """Each click on a card of a product list, with the cards of that list the visitor saw.

    The tracking script logs a `list_impression` per card that came into view and a `list_click`,
    both with the list's id and the card's position. Two passes, no join: the clicks, then the
    impressions of the clicked lists.
    """
    links = dict(VisitorLink.objects.values_list("visitor_id", "user_id"))
    events = Event.objects.filter(product__isnull=False)
    if since is not None:
        events = events.filter(timestamp__gte=since)
    clicks: dict[str, tuple[str, float, int]] = {}
    fields = ("user_id", "visitor_id", "product_id", "timestamp", "context")
    for user_id, visitor_id, product_id, timestamp, context in (
        events.filter(type=Event.Type.LIST_CLICK).values_list(*fields).order_by().iterator(chunk_size=5000)
    ):
        if isinstance(context, dict) and context.get("list_id"):
            clicks[str(context["list_id"])] = (_unit(user_id, visitor_id, links), timestamp.timestamp(), product_id)
    shown: dict[str, set[tuple[int, int]]] = {}
    for product_id, context in (
        events.filter(type=Event.Type.LIST_IMPRESSION).values_list("product_id", "context").order_by().iterator(5000)
    ):
        list_id = str(context.get("list_id") or "") if isinstance(context, dict) else ""
        if list_id not in clicks:
            continue
        try:
            position = int(context.get("position"))
        except (TypeError, ValueError):
            continue
        shown.setdefault(list_id, set()).add((product_id, position))
    return [
        Choice(unit, timestamp, tuple(sorted(shown[list_id], key=lambda card: card[1])), clicked)
        for list_id, (unit, timestamp, clicked) in clicks.items()
        if list_id in shown
    ]


def order_rows() -> Iterator[tuple[str, int, float, str]]:
    """Purchases from order lines: the basket is one 'session' for frequently-bought-together."""
    from shop.models import OrderLine

    lines = OrderLine.objects.filter(product__isnull=False).exclude(order__status__in=["cancelled"])
    for order_id, product_id, created in lines.values_list("order_id", "product_id", "order__created_at").order_by(
        "order_id", "pk"
    ):
        yield f"o:{order_id}", product_id, created.timestamp(), "purchase"


def item_features() -> dict[int, dict]:
    """Content of every active product, so products nobody interacted with still get a vector.

    The title is the catalogue's own name column (the default language's), read without
    modeltranslation's rewriting: the active language then cannot change what a model learns, and
    the fallback loop it runs per row in Python is skipped (the cost of this call at scale: bench/scale.py).
    """
    rows = (
        Product.objects.rewrite(False)
        .filter(is_active=True)
        .values_list("pk", "category_id", "brand_id", "price", "name")
    )
    return {
        pk: {"category": category_id, "brand": brand_id, "price": float(price), "title": name}
        for pk, category_id, brand_id, price, name in rows
    }
