"""Query -> category intent learned from the shop's own searches and what shoppers did with the results.

A search event carries the query as searched and its result list's id; a click on that list (the
tracking script's `list_click`, same shopper, same list id, within `ATTRIBUTION_WINDOW` of the
search) votes for the clicked product's category, and adding that product to the cart afterwards
votes again, more strongly. Each query's votes are weighed against the catalogue's own intent for
it (category names and synonyms, `shop.search.selectors.query_catalogue_intent`), which counts as
`PRIOR_VOTES` votes: a query with a few clicks stays close to what the catalogue says, a query
with many follows the shoppers.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from django.utils import timezone

from personalization.tracking.models import Event
from shop.models import Product
from shop.search.segmentation import query_key
from shop.search.selectors import query_catalogue_intent
from shop.search.services import IntentWeight, search_intents_replace

HISTORY = timedelta(days=90)  # the events read: the shop's assortment and words drift slower than this
ATTRIBUTION_WINDOW = timedelta(minutes=30)  # a click this long after its search still answers it
CLICK_VOTE = 1.0
ADD_TO_CART_VOTE = 2.0  # on top of the click's vote: a product bought into the cart answered the query
PRIOR_VOTES = 5.0  # how many votes the catalogue's own intent is worth against the clicks
MIN_WEIGHT = 0.02  # smaller shares are noise and only make the table longer
MAX_QUERIES = 20_000  # the most voted queries are kept; a long tail of one-off queries keeps the prior
EVENT_TYPES = (Event.Type.SEARCH, Event.Type.LIST_CLICK, Event.Type.ADD_TO_CART)


@dataclass(frozen=True)
class TrackedAction:
    """One event as the learner reads it: whose, what, when, which product, the context's query and list."""

    unit: str  # the shopper: their visitor id, or the user's id when the event has no visitor
    type: str
    timestamp: datetime
    product_id: int | None = None
    query: str = ""
    list_id: str = ""


@dataclass
class _Search:
    query: str
    at: datetime
    clicked: set[int] = field(default_factory=set)


def query_votes(actions: Iterable[TrackedAction], *, category_of: Callable[[int], int | None]) -> dict[str, dict]:
    """{query: {category id: votes}} from actions sorted by shopper, then time.

    A click counts once per search and product; an add to cart counts once per click.
    """
    votes: dict[str, dict[int, float]] = defaultdict(lambda: defaultdict(float))
    unit = None
    searches: dict[str, _Search] = {}  # the shopper's latest search per result list id
    clicked: dict[int, tuple[str, datetime]] = {}  # product -> (query, when) of its latest click from a search
    for action in actions:
        if action.unit != unit:
            unit, searches, clicked = action.unit, {}, {}
        if action.type == Event.Type.SEARCH:
            if action.list_id and action.query:
                searches[action.list_id] = _Search(query=action.query, at=action.timestamp)
        elif action.type == Event.Type.LIST_CLICK:
            search = searches.get(action.list_id)
            if search is None or action.product_id is None or action.timestamp - search.at > ATTRIBUTION_WINDOW:
                continue
            category = category_of(action.product_id)
            if category is None or action.product_id in search.clicked:
                continue
            search.clicked.add(action.product_id)
            votes[search.query][category] += CLICK_VOTE
            clicked[action.product_id] = (search.query, action.timestamp)
        elif action.type == Event.Type.ADD_TO_CART and action.product_id in clicked:
            query, at = clicked.pop(action.product_id)
            category = category_of(action.product_id)
            if category is not None and action.timestamp - at <= ATTRIBUTION_WINDOW:
                votes[query][category] += ADD_TO_CART_VOTE
    return {query: dict(by_category) for query, by_category in votes.items()}


def smoothed_intent(votes: dict[int, float], prior: dict[int, float]) -> dict[int, float]:
    """Each category's share of the votes, the prior counting as `PRIOR_VOTES` votes spread by its weights."""
    total = sum(votes.values()) + (PRIOR_VOTES if prior else 0.0)
    if total <= 0:
        return {}
    prior_total = sum(prior.values()) or 1.0
    weights = {
        category: (votes.get(category, 0.0) + PRIOR_VOTES * prior.get(category, 0.0) / prior_total) / total
        for category in {*votes, *prior}
    }
    return {category: weight for category, weight in weights.items() if weight >= MIN_WEIGHT}


def _actions(since: datetime) -> Iterator[TrackedAction]:
    rows = (
        Event.objects.filter(type__in=EVENT_TYPES, timestamp__gte=since)
        .order_by("visitor_id", "user_id", "timestamp", "pk")
        .values_list("visitor_id", "user_id", "type", "timestamp", "product_id", "context")
    )
    for visitor_id, user_id, type_, timestamp, product_id, context in rows.iterator(chunk_size=5000):
        context = context if isinstance(context, dict) else {}
        query = context.get("corrected_query") or context.get("query") or ""
        yield TrackedAction(
            unit=visitor_id or f"u:{user_id}",
            type=type_,
            timestamp=timestamp,
            product_id=product_id,
            query=query_key(str(query)),
            list_id=str(context.get("list_id") or ""),
        )


def search_intents_learn(*, now: datetime | None = None) -> int:
    """Learn every searched query's intent from the last `HISTORY` of events; store it. Returns the rows stored."""
    since = (now or timezone.now()) - HISTORY
    # One read of every product's category (two integers a product) instead of one query per clicked product.
    categories = dict(Product.objects.values_list("pk", "category_id"))
    votes = query_votes(_actions(since), category_of=categories.get)
    busiest = sorted(votes, key=lambda query: (-sum(votes[query].values()), query))[:MAX_QUERIES]
    intents = [
        IntentWeight(query=query, category_id=category, weight=weight)
        for query in busiest
        for category, weight in sorted(smoothed_intent(votes[query], query_catalogue_intent(query=query)).items())
    ]
    return search_intents_replace(intents=intents)
