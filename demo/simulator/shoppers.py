"""Who the simulated shoppers are: hidden tastes, how loyal they are, and when they visit.

Tastes are drawn so that they can be learned from behaviour: a shopper keeps the same
favourite categories, brands and price level across all their visits, and a purchase
creates needs in the complementary categories of `demo.store.catalog.COMPLEMENTS`
(a camera, then a memory card), which is what a sequential model picks up.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from demo.store.catalog import COMPLEMENTS

LOYAL_SHARE = 0.25
BROWSER_SHARE = 0.2
# Who has an account when they check out (signing up at their first checkout, signed in after that). Most
# orders of an established shop come from accounts; guest checkout stays for a share of the one-time buyers.
# With half the loyal shoppers and no one-time buyer signing up, 73 of 90 orders were guests', and guests
# cannot review: the demo's products went unreviewed.
SIGN_UP_SHARE = {"loyal": 0.9, "one_time": 0.6, "browser": 0.0}
MEAN_DAYS_BETWEEN_VISITS = 2.5
MAX_VISITS = 8
# A few products are duds: they look like the others on the page, and most of their buyers rate them 1 or 2.
DUD_SHARE = 0.06
# The demo store's own seed (`load_demo_store --seed`), so every simulation of one store meets the same duds.
CATALOG_SEED = 42


@dataclass(frozen=True)
class CatalogItem:
    """What a shopper can tell from a product card: category, brand, and where the price sits in its category."""

    pk: int
    slug: str
    category: str
    brand: str
    price_level: float  # 0 = cheapest of its category, 1 = dearest
    quality: float = 1.0  # hidden until bought: 1 = as good as it looks, near 0 = a dud (behaviour.review_rating)
    # What a shopper's fixed quirks about this product are keyed by (behaviour.utility): its place in the store's
    # order of creation (its id less the first product's, plus one), so one seed plays the same on a database
    # whose ids start elsewhere (a test database after other tests); a fresh store's ids are these places.
    # None: the id itself.
    place: int | None = None

    @property
    def quirk_key(self) -> int:
        return self.pk if self.place is None else self.place


def product_quality(slug: str, *, seed: int = CATALOG_SEED) -> float:
    """A product's hidden quality, drawn from the seed and its slug: a dud (0 to 0.15) with a chance of
    `DUD_SHARE`, otherwise 0.85 to 1 (a small spread among sound products)."""
    rng = random.Random(f"{seed}:quality:{slug}")
    return rng.uniform(0.0, 0.15) if rng.random() < DUD_SHARE else rng.uniform(0.85, 1.0)


@dataclass(frozen=True)
class Catalog:
    items: dict[int, CatalogItem]
    category_names: dict[str, str]
    brands_by_category: dict[str, tuple[str, ...]]
    by_slug: dict[str, int] = field(default_factory=dict)

    @property
    def categories(self) -> list[str]:
        return sorted(self.brands_by_category)


def catalog_load(*, seed: int = CATALOG_SEED) -> Catalog:
    """The shop's active products as the simulator sees them (one query), with hidden qualities drawn from `seed`."""
    from shop.models import Category, Product

    rows = list(
        Product.objects.filter(is_active=True).values_list("pk", "slug", "category__slug", "brand__name", "price")
    )
    first = Product.objects.order_by("pk").values_list("pk", flat=True).first() or 1
    by_category: dict[str, list[tuple]] = {}
    for row in rows:
        by_category.setdefault(row[2], []).append(row)
    items: dict[int, CatalogItem] = {}
    brands: dict[str, tuple[str, ...]] = {}
    for category, members in by_category.items():
        members.sort(key=lambda row: (row[4], row[0]))
        last = max(len(members) - 1, 1)
        for rank, (pk, slug, _, brand, _) in enumerate(members):
            items[pk] = CatalogItem(
                pk, slug, category, brand or "", rank / last, product_quality(slug, seed=seed), place=pk - first + 1
            )
        brands[category] = tuple(sorted({row[3] or "" for row in members}))
    names = dict(Category.objects.filter(slug__in=list(brands)).values_list("slug", "name"))
    by_slug = {item.slug: pk for pk, item in items.items()}
    return Catalog(items=items, category_names=names, brands_by_category=brands, by_slug=by_slug)


@dataclass
class Taste:
    """Hidden from the site: what the shopper likes (affinities 0..1) and what they need right now."""

    categories: dict[str, float]
    brands: dict[str, float]
    price_level: float
    needs: dict[str, float] = field(default_factory=dict)  # category -> urgency 0..1; purchases move it

    def bought(self, category: str) -> None:
        """A purchase satisfies the need for its category and raises the needs of its complements."""
        self.needs.pop(category, None)
        for complement in COMPLEMENTS.get(category, ()):
            self.needs[complement] = max(self.needs.get(complement, 0.0), 1.0)

    def top_need(self) -> str:
        if self.needs:
            return max(sorted(self.needs), key=self.needs.get)
        return max(sorted(self.categories), key=self.categories.get)


@dataclass
class Shopper:
    index: int
    kind: str  # "loyal", "one_time" or "browser" (never buys)
    seed: int
    taste: Taste
    visits: list[datetime]
    signs_up: bool = False

    @property
    def buys(self) -> bool:
        return self.kind != "browser"


def taste_draw(rng: random.Random, catalog: Catalog) -> Taste:
    categories = catalog.categories
    primary = rng.choice(categories)
    affinities = {primary: 1.0}
    # A second interest, usually one that goes with the first: people who buy cameras like tripods.
    related = [c for c in COMPLEMENTS.get(primary, ()) if c in catalog.brands_by_category]
    second = rng.choice(related) if related and rng.random() < 0.7 else rng.choice(categories)
    affinities.setdefault(second, 0.6)
    if rng.random() < 0.3:
        affinities.setdefault(rng.choice(categories), 0.4)
    brands: dict[str, float] = {}
    for category in affinities:
        options = catalog.brands_by_category.get(category, ())
        if options:
            brands[rng.choice(options)] = 1.0
    return Taste(
        categories=affinities,
        brands=brands,
        price_level=rng.betavariate(2, 2),
        needs={primary: 1.0, second: 0.5},
    )


def _visit_times(rng: random.Random, *, kind: str, start: datetime, days: float) -> list[datetime]:
    end = start + timedelta(days=days)
    first = start + timedelta(days=rng.uniform(0, days))
    visits = [first]
    if kind == "loyal":
        while len(visits) < MAX_VISITS:
            following = visits[-1] + timedelta(days=rng.expovariate(1 / MEAN_DAYS_BETWEEN_VISITS))
            if following >= end:
                break
            visits.append(following)
    elif rng.random() < 0.15:
        following = first + timedelta(days=rng.uniform(0.5, 7))
        if following < end:
            visits.append(following)
    return visits


def shoppers_draw(*, count: int, seed: int, catalog: Catalog, start: datetime, days: float) -> list[Shopper]:
    """`count` shoppers; each has its own random stream, so shopper 7 is the same whatever the count."""
    shoppers = []
    for index in range(count):
        rng = random.Random(f"{seed}:shopper:{index}")
        roll = rng.random()
        kind = "loyal" if roll < LOYAL_SHARE else "browser" if roll < LOYAL_SHARE + BROWSER_SHARE else "one_time"
        shoppers.append(
            Shopper(
                index=index,
                kind=kind,
                seed=rng.getrandbits(64),
                taste=taste_draw(rng, catalog),
                visits=_visit_times(rng, kind=kind, start=start, days=days),
                signs_up=rng.random() < SIGN_UP_SHARE[kind],
            )
        )
    return shoppers
