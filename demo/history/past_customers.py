"""The shop's past customers: accounts that bought in the months before the simulated traffic, and reviewed.

The simulated traffic (a few hundred shoppers over twenty days) buys a hundred-odd distinct products, so
on its own it leaves most of the catalogue without a review (41 of 592 products). A shop that opens its
demo has been selling for a while: before that traffic, this phase plays `PAST_DAYS` days of earlier
customers. Each is a simulated shopper with a hidden taste drawn as the simulator draws it
(`shoppers.taste_draw`) and an account, and places one or two cash-on-delivery orders through the order
service (cart, stock, totals, the purchase events the shop records); staff deliver them two days later
(`order_transition`). A few days after delivery the buyer answers the shop's "How was your order?"
e-mail for each product with a chance of `reviews.REVIEW_SHARE`: stars from their taste and the product's
hidden quality (`behaviour.review_rating`), words in their language (`reviews.review_text`), written by
`review_create`, so verified purchase, the automatic holds and the rating aggregate are the shop's own.
Staff then work the moderation queue (`review_moderate`): verified reviews held only for approval or as
a burst are published.

Products are chosen as a shopper chooses from a category they need: by how much they want each one,
less when the stars shown by then are low (`behaviour.stars_effect`), never one with less than
`STOCK_FLOOR` left (the past does not empty the shelves the demo shows). No page is rendered, and the
search documents of the reviewed products (whose text the reviews join) are rewritten once at the end
instead of at every review, as the shop's bulk writes do; so the phase costs a small part of the history's
time. It runs once: a store that has past customers keeps them.
"""

from __future__ import annotations

import heapq
import itertools
import math
import random
import time
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime, timedelta

from demo.simulator import behaviour, reviews
from demo.simulator.clock import SimulatedClock, simulated_time
from demo.simulator.run import site_tuned_for_simulation
from demo.simulator.shoppers import Catalog, CatalogItem, Taste, catalog_load, taste_draw

PAST_DAYS = 60
CUSTOMERS_PER_PRODUCT = 1.5  # customers per active product: about 2.7 purchases per product
SECOND_ORDER_SHARE = 0.4
SECOND_ITEM_SHARE = 0.3  # an order of two products
CHINESE_SHARE = 0.4  # customers who shop (and write) in Chinese
STOCK_FLOOR = 6
USERNAME_PREFIX = "past-"
SHIPPING_METHOD = "standard"
SEARCH_RECEIVER = "search_product_saved"  # shop.search.receivers' dispatch_uid for a saved product


@dataclass(frozen=True)
class PastCustomers:
    played: bool  # False: the store had past customers already, or no products
    customers: int = 0
    orders: int = 0
    reviews: int = 0
    published_by_staff: int = 0
    reviewed_products: int = 0
    products: int = 0
    seconds: float = 0.0
    cpu_seconds: float = 0.0  # of this process

    def line(self) -> str:
        if not self.played:
            return "Past customers: kept from an earlier run."
        return (
            f"Past customers: {self.customers} accounts, {self.orders} delivered orders, {self.reviews} reviews "
            f"({self.published_by_staff} published from the moderation queue) of {self.reviewed_products} of "
            f"{self.products} products, in {self.seconds:.0f} s ({self.cpu_seconds:.0f} CPU-seconds)."
        )


@dataclass
class _Customer:
    index: int
    seed: int
    taste: Taste
    language: str
    rng: random.Random
    user: object = None
    bought: set[int] | None = None


def _pick(customer: _Customer, candidates: list[CatalogItem], stars: dict[int, list[int]]) -> CatalogItem | None:
    """A product of the category they need, drawn by how much they want it and what its stars say."""
    weights = []
    for item in candidates:
        total, count = stars.get(item.pk, (0, 0))
        average = total / count if count else None
        value = behaviour.utility(customer.taste, item, seed=customer.seed)
        weights.append(math.exp(behaviour.BUY_STEEPNESS * value) * behaviour.stars_effect(average, count))
    if not candidates or not any(weights):
        return None
    return customer.rng.choices(candidates, weights=weights)[0]


def _order_items(customer: _Customer, catalog: Catalog, stock: dict[int, int], stars) -> list[CatalogItem]:
    wanted = 1 + (customer.rng.random() < SECOND_ITEM_SHARE)
    items: list[CatalogItem] = []
    for _ in range(wanted):
        category = customer.taste.top_need()
        candidates = [
            item
            for item in catalog.items.values()
            if item.category == category and stock.get(item.pk, 0) >= STOCK_FLOOR and item.pk not in customer.bought
        ]
        item = _pick(customer, candidates, stars)
        if item is None:
            break
        items.append(item)
        customer.bought.add(item.pk)
        customer.taste.bought(item.category)
    return items


def _place(customer: _Customer, items: list[CatalogItem]) -> str:
    from shop.services.cart import cart_add, cart_get_or_create
    from shop.services.orders import ShippingAddress, order_place

    cart = cart_get_or_create(user=customer.user, session_key=None)
    for item in items:
        cart_add(cart=cart, product_id=item.pk, quantity=1)
    order = order_place(
        cart=cart,
        user=customer.user,
        email=customer.user.email,
        address=ShippingAddress(
            name=f"Customer {customer.index}",
            line1=f"{customer.index + 1} Past Lane",
            city="Springfield",
            postcode=f"{20000 + customer.index % 79999}",
        ),
        shipping_method_code=SHIPPING_METHOD,
        payment_method="cod",
        idempotency_key=str(uuid.UUID(int=customer.rng.getrandbits(128), version=4)),
    )
    return order.number


def _review(customer: _Customer, item: CatalogItem, product, stars: dict[int, list[int]]):
    from shop.reviews.models import Review
    from shop.reviews.services import review_create

    rating = behaviour.review_rating(customer.taste, item, rng=customer.rng, seed=customer.seed)
    title, body = reviews.review_text(stars=rating, language=customer.language, rng=customer.rng)
    review = review_create(
        user=customer.user, product=product, rating=rating, title=title, body=body, language=customer.language
    )
    if review.status == Review.Status.PUBLISHED:
        tally = stars.setdefault(item.pk, [0, 0])
        tally[0] += rating
        tally[1] += 1
    return review


def _moderate(user_ids: list[int]) -> int:
    """Staff publish the past customers' verified reviews that wait only for approval or as a burst."""
    from shop.reviews.models import Review
    from shop.reviews.services import review_moderate

    held = Review.objects.filter(
        user_id__in=user_ids,
        status=Review.Status.PENDING,
        verified_purchase=True,
        hold_reason__in=[Review.HoldReason.APPROVAL, Review.HoldReason.BURST],
    ).order_by("pk")
    published = 0
    for review in held:
        review_moderate(review=review, publish=True)
        published += 1
    return published


@contextmanager
def _search_documents_at_the_end() -> Iterator[set[int]]:
    """The products put in the yielded set (reviewed: their rating and text changed) have their search
    documents rewritten once, on leaving, instead of at every save."""
    from django.db.models.signals import post_save

    from shop.models import Product
    from shop.search.receivers import _product_saved
    from shop.search.services import search_documents_update

    reviewed: set[int] = set()
    post_save.disconnect(sender=Product, dispatch_uid=SEARCH_RECEIVER)
    try:
        yield reviewed
    finally:
        post_save.connect(_product_saved, sender=Product, dispatch_uid=SEARCH_RECEIVER)
    search_documents_update(product_ids=sorted(reviewed))


def past_customers_play(
    *, seed: int = 42, until: datetime, catalog: Catalog | None = None, say: Callable[[str], None] = lambda line: None
) -> PastCustomers:
    """Play the `PAST_DAYS` days before `until`: past customers' orders, deliveries, reviews and moderation."""
    from django.contrib.auth import get_user_model

    from shop.models import Product
    from shop.reviews.models import Review

    user_model = get_user_model()
    catalog = catalog or catalog_load()
    if not catalog.items or user_model.objects.filter(username__startswith=USERNAME_PREFIX).exists():
        return PastCustomers(played=False)
    started, cpu_started = time.monotonic(), time.process_time()
    products = {p.pk: p for p in Product.objects.filter(pk__in=list(catalog.items))}
    stock = {pk: product.stock for pk, product in products.items()}
    start = until - timedelta(days=PAST_DAYS)
    # The last order leaves time for its delivery and its reviews before the traffic begins.
    last_order = PAST_DAYS - reviews.DELIVERY_DAYS - reviews.REVIEW_DELAY_DAYS[1]
    count = round(CUSTOMERS_PER_PRODUCT * len(catalog.items))
    sequence = itertools.count()  # breaks ties in the agenda: first scheduled, first done
    customers, agenda = [], []  # agenda: a heap of (when, sequence, what, customer index, payload)
    for index in range(count):
        own = random.Random(f"{seed}:past-customer:{index}")
        customer = _Customer(
            index=index,
            seed=own.getrandbits(64),
            taste=taste_draw(own, catalog),
            language="zh-hans" if own.random() < CHINESE_SHARE else "en",
            rng=own,
            bought=set(),
        )
        customers.append(customer)
        first = own.uniform(0, last_order)
        moments = [first]
        if own.random() < SECOND_ORDER_SHARE and first < last_order - 1:
            moments.append(own.uniform(first + 1, last_order))
        for moment in moments:
            agenda.append((start + timedelta(days=moment), next(sequence), "order", index, None))
    heapq.heapify(agenda)
    stars: dict[int, list[int]] = {}
    clock = SimulatedClock(start)
    orders = written = 0
    with site_tuned_for_simulation(), simulated_time(clock), _search_documents_at_the_end() as reviewed_ids:
        while agenda:
            when, _, what, index, payload = heapq.heappop(agenda)
            clock.set(when)
            customer = customers[index]
            if what == "order":
                items = _order_items(customer, catalog, stock, stars)
                if not items:
                    continue
                if customer.user is None:
                    # Joined at their first order (date_joined's default reads the real clock).
                    customer.user = user_model.objects.create_user(
                        username=f"{USERNAME_PREFIX}{seed}-{index}",
                        email=f"past{seed}-{index}@example.com",
                        date_joined=when,
                    )
                number = _place(customer, items)
                for item in items:
                    stock[item.pk] -= 1
                delivered = when + timedelta(days=reviews.DELIVERY_DAYS)
                heapq.heappush(agenda, (delivered, next(sequence), "deliver", index, (number, items)))
            elif what == "deliver":
                number, items = payload
                if not reviews.order_deliver(number):
                    continue
                orders += 1
                answer = when + timedelta(days=customer.rng.uniform(*reviews.REVIEW_DELAY_DAYS))
                heapq.heappush(agenda, (answer, next(sequence), "review", index, items))
            else:
                for item in payload:
                    if customer.rng.random() < reviews.REVIEW_SHARE:
                        _review(customer, item, products[item.pk], stars)
                        reviewed_ids.add(item.pk)
                        written += 1
        clock.set(until)
        user_ids = [customer.user.pk for customer in customers if customer.user is not None]
        published_by_staff = _moderate(user_ids)
    reviewed = (
        Review.objects.filter(user_id__in=user_ids, status=Review.Status.PUBLISHED)
        .values("product_id")
        .distinct()
        .count()
    )
    result = PastCustomers(
        played=True,
        customers=len(user_ids),
        orders=orders,
        reviews=written,
        published_by_staff=published_by_staff,
        reviewed_products=reviewed,
        products=len(catalog.items),
        seconds=time.monotonic() - started,
        cpu_seconds=time.process_time() - cpu_started,
    )
    say(result.line())
    return result
