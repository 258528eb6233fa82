"""Shop-shaped interaction data sets, generated: a family of shapes so no model is tuned to one.

Every shape comes from one process with different knobs (:class:`ShopShape`):

- a catalogue of categories and brands, item popularity heavy-tailed (Zipf weights), a price
  level per item, and items released every day after the start (``new_items_per_day``);
- shoppers with a few favourite categories and a price level, arriving on a random day and
  coming back for a number of sessions, each session short or long;
- inside a session, the next item is the current item's *complement* (an accessory after its
  product, a chain through linked categories) with probability ``chain_share``, another item
  of the same category, or a fresh draw from the shopper's tastes;
- consumables (``consumable_share`` of the items) are bought again after their period;
- category demand can follow a season (``seasonal_amplitude``, a sine over ``season_days``
  with a phase per category), and new items get a launch boost for their first week.

:data:`SHAPES` names the presets the benchmark CLI offers (``--generate NAME``). The output
is plain rows ``(user_id, item_id, timestamp, event_type)`` and item features
``{item_id: {"category", "brand", "price", "title", "released"}}``, the same as the shop exports
(``released``: epoch seconds the item went on sale, as a product's publication date).
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from typing import Any

import numpy as np

DAY = 86400.0
START = 1_767_225_600.0  # 2026-01-01T00:00:00Z
LAUNCH_DAYS = 7.0  # a new item's launch boost fades over its first week
_ADJECTIVES = ("compact", "classic", "pro", "lite", "max", "mini", "plus", "eco", "smart", "ultra")


@dataclass(frozen=True)
class ShopShape:
    users: int = 2000
    days: int = 90
    categories: int = 24
    brands: int = 40
    items_at_start: int = 1200
    new_items_per_day: float = 2.0
    popularity_exponent: float = 1.0  # Zipf exponent of the items' base appeal within the catalogue
    favourite_categories: int = 3
    taste_share: float = 0.8  # share of fresh draws from the favourite categories
    sessions_per_user: float = 3.0  # mean; at least one
    short_session_items: float = 3.0  # mean items of a short session (geometric)
    long_session_items: float = 12.0
    long_session_share: float = 0.2
    chain_share: float = 0.3  # next item is the current item's complement
    same_category_share: float = 0.3  # next item is another item of the same category
    consumable_share: float = 0.0
    consumable_period_days: float = 14.0
    repeat_share: float = 0.0  # a session opens with a due consumable the shopper bought before
    seasonal_amplitude: float = 0.0  # 0: flat demand; 0.9: a category's demand swings x19
    season_days: float = 60.0
    launch_boost: float = 3.0  # a new item's appeal multiplier on its release day
    purchase_share: float = 0.15
    cart_share: float = 0.1

    def __post_init__(self) -> None:
        if self.users < 1 or self.days < 1 or self.categories < 2 or self.brands < 1 or self.items_at_start < 2:
            raise ValueError("a shop needs at least 1 user, 1 day, 2 categories, 1 brand and 2 items")
        shares = (self.chain_share, self.same_category_share, self.taste_share, self.consumable_share)
        if any(not 0.0 <= s <= 1.0 for s in (*shares, self.repeat_share, self.long_session_share)):
            raise ValueError("shares must lie between 0 and 1")
        if self.chain_share + self.same_category_share > 1.0:
            raise ValueError("chain_share + same_category_share must not exceed 1")
        if not 0.0 <= self.seasonal_amplitude < 1.0:
            raise ValueError("seasonal_amplitude must lie in [0, 1)")


SHAPES: dict[str, ShopShape] = {
    # Everything at once, moderate: the default shop.
    "shop": ShopShape(consumable_share=0.15, repeat_share=0.15, seasonal_amplitude=0.5),
    # Accessories after their product: sequences carry item-to-item chains.
    "chains": ShopShape(chain_share=0.6, same_category_share=0.15),
    # Groceries and supplies: the same items bought again every couple of weeks.
    "consumables": ShopShape(
        consumable_share=0.5, repeat_share=0.6, chain_share=0.15, sessions_per_user=6.0, purchase_share=0.3
    ),
    # Demand follows seasons: what sold last month is not what sells next week.
    "seasonal": ShopShape(seasonal_amplitude=0.9, season_days=45.0, chain_share=0.15),
    # A catalogue that grows daily: many targets are items released after the training cut.
    "new-items": ShopShape(items_at_start=500, new_items_per_day=15.0, launch_boost=6.0),
    # Mostly one- or two-item visits, a few long browsing sessions.
    "sessions": ShopShape(short_session_items=1.5, long_session_items=25.0, long_session_share=0.15),
    # A few bestsellers take most of the traffic.
    "heavy-tail": ShopShape(popularity_exponent=1.4, taste_share=0.5),
}


@dataclass(frozen=True)
class GeneratedShop:
    shape: ShopShape
    rows: list[tuple[str, str, float, str]]  # (user_id, item_id, timestamp, event_type)
    item_features: dict[str, dict[str, Any]]
    release_times: dict[str, float]  # epoch seconds each item became available


@dataclass(frozen=True)
class _Catalogue:
    category: np.ndarray  # [n] int64
    brand: np.ndarray  # [n] int64
    price_level: np.ndarray  # [n] float64 in [0, 1]
    appeal: np.ndarray  # [n] float64 base weight (Zipf within the catalogue)
    release_day: np.ndarray  # [n] float64
    consumable: np.ndarray  # [n] bool
    complement: np.ndarray  # [n] int64, -1: none
    phase: np.ndarray  # [categories] season phase per category


def shape_named(name: str, **overrides: Any) -> ShopShape:
    """A preset of :data:`SHAPES` with some fields replaced (``users=500``); unknown names raise ``ValueError``."""
    if name not in SHAPES:
        raise ValueError(f"unknown shop shape {name!r}; choose one of {', '.join(SHAPES)}")
    fields = {f.name for f in dataclasses.fields(ShopShape)}
    unknown = set(overrides) - fields
    if unknown:
        raise ValueError(f"unknown shop shape field(s): {', '.join(sorted(unknown))}")
    return dataclasses.replace(SHAPES[name], **overrides)


def generate(shape: ShopShape, *, seed: int = 0) -> GeneratedShop:
    """Rows and item features of one generated shop; the same ``shape`` and ``seed`` give the same shop."""
    rng = np.random.default_rng(seed)
    catalogue = _catalogue(shape, rng)
    rows: list[tuple[str, str, float, str]] = []
    for user in range(shape.users):
        rows += _shopper_rows(shape, catalogue, rng, f"u{user}")
    rows.sort(key=lambda r: (r[2], r[0]))
    releases = {_item_id(i): START + float(d) * DAY for i, d in enumerate(catalogue.release_day)}
    features = {
        _item_id(i): {
            "category": f"c{catalogue.category[i]}",
            "brand": f"b{catalogue.brand[i]}",
            "price": round(float(5.0 * 100.0 ** catalogue.price_level[i]), 2),
            "title": (
                f"b{catalogue.brand[i]} c{catalogue.category[i]} "
                f"{_ADJECTIVES[i % len(_ADJECTIVES)]} {'refill' if catalogue.consumable[i] else 'model'} m{i}"
            ),
            "released": releases[_item_id(i)],
        }
        for i in range(len(catalogue.category))
    }
    return GeneratedShop(shape, rows, features, releases)


def _item_id(index: int) -> str:
    return f"p{index}"


def _catalogue(shape: ShopShape, rng: np.random.Generator) -> _Catalogue:
    new_per_day = rng.poisson(shape.new_items_per_day, size=shape.days) if shape.new_items_per_day else []
    release_day = np.concatenate(
        [np.zeros(shape.items_at_start)] + [day + rng.random(k) for day, k in enumerate(new_per_day) if k]
    )
    n = len(release_day)
    category = rng.integers(0, shape.categories, size=n)
    # Brands live in a few categories each, and some brands are much bigger than others.
    brand_weight = 1.0 / np.arange(1, shape.brands + 1) ** 0.8
    brand_of_category = [
        rng.choice(shape.brands, size=min(shape.brands, 6), replace=False, p=brand_weight / brand_weight.sum())
        for _ in range(shape.categories)
    ]
    brand = np.asarray([rng.choice(brand_of_category[c]) for c in category], dtype=np.int64)
    price_level = np.clip(rng.normal(0.5, 0.2, size=n), 0.0, 1.0)
    appeal = 1.0 / (1.0 + rng.permutation(n)) ** shape.popularity_exponent
    consumable = rng.random(n) < shape.consumable_share
    # Complements: category c leads to category c + 1 (a camera to its memory card, the card to a
    # reader); within the linked category an item near the same price level, popular ones first.
    complement = np.full(n, -1, dtype=np.int64)
    members = [np.flatnonzero(category == c) for c in range(shape.categories)]
    for i in range(n):
        pool = members[(category[i] + 1) % shape.categories]
        pool = pool[release_day[pool] <= release_day[i]]
        if len(pool) == 0:
            continue
        weight = appeal[pool] * np.exp(-(((price_level[pool] - price_level[i]) / 0.15) ** 2))
        complement[i] = pool[np.argmax(np.log(weight + 1e-300) + rng.gumbel(size=len(pool)))]  # drawn ~ weight
    phase = rng.random(shape.categories) * 2.0 * np.pi
    return _Catalogue(category, brand, price_level, appeal, release_day, consumable, complement, phase)


def _shopper_rows(
    shape: ShopShape, cat: _Catalogue, rng: np.random.Generator, user_id: str
) -> list[tuple[str, str, float, str]]:
    n_categories = shape.categories
    favourites = rng.choice(n_categories, size=min(shape.favourite_categories, n_categories), replace=False)
    taste = np.full(n_categories, (1.0 - shape.taste_share) / n_categories)
    taste[favourites] += shape.taste_share / len(favourites)
    price = float(np.clip(rng.normal(0.5, 0.2), 0.0, 1.0))
    price_fit = np.exp(-(((cat.price_level - price) / 0.3) ** 2))
    day = float(rng.random() * shape.days * 0.9)
    sessions = 1 + rng.poisson(max(shape.sessions_per_user - 1.0, 0.0))
    bought: dict[int, float] = {}  # consumable item -> day of the last purchase
    rows: list[tuple[str, str, float, str]] = []
    for _ in range(sessions):
        if day >= shape.days:
            break
        season = 1.0 + shape.seasonal_amplitude * np.sin(2.0 * np.pi * day / shape.season_days + cat.phase)
        age = day - cat.release_day
        released = age >= 0
        launch = 1.0 + (shape.launch_boost - 1.0) * np.clip(1.0 - age / LAUNCH_DAYS, 0.0, 1.0)
        weight = taste[cat.category] * season[cat.category] * cat.appeal * price_fit * launch * released
        long = rng.random() < shape.long_session_share
        mean_items = shape.long_session_items if long else shape.short_session_items
        length = int(rng.geometric(1.0 / max(mean_items, 1.0)))
        due = [item for item, last in bought.items() if day - last >= shape.consumable_period_days]
        moment = START + day * DAY + rng.random() * 0.5 * DAY
        current = -1
        for step in range(length):
            rebuy = step == 0 and bool(due) and rng.random() < shape.repeat_share
            if rebuy:
                current = int(rng.choice(due))
            elif current >= 0 and (draw := rng.random()) < shape.chain_share and _released(cat, released, current):
                current = int(cat.complement[current])
            elif current >= 0 and draw < shape.chain_share + shape.same_category_share:
                current = _draw(rng, weight * (cat.category == cat.category[current]), exclude=current)
            else:
                current = _draw(rng, weight, exclude=current)
            if current < 0:
                break
            roll = rng.random()
            event = "purchase" if rebuy or roll < shape.purchase_share else "view"
            if event == "view" and roll < shape.purchase_share + shape.cart_share:
                event = "add_to_cart"
            if event == "purchase" and cat.consumable[current]:
                bought[current] = day
            rows.append((user_id, _item_id(current), round(moment, 3), event))
            moment += 20.0 + rng.exponential(90.0)
        day += rng.exponential(shape.days / (2.0 * sessions)) + 0.5
    return rows


def _released(cat: _Catalogue, released: np.ndarray, item: int) -> bool:
    """Whether ``item`` has a complement that is on sale already."""
    complement = int(cat.complement[item])
    return complement >= 0 and bool(released[complement])


def _draw(rng: np.random.Generator, weight: np.ndarray, *, exclude: int) -> int:
    """An index drawn in proportion to ``weight`` (never ``exclude``); -1 when nothing has weight."""
    if exclude >= 0:
        weight = weight.copy()
        weight[exclude] = 0.0
    total = weight.sum()
    if total <= 0:
        return -1
    return int(np.searchsorted(np.cumsum(weight), rng.random() * total, side="right").clip(0, len(weight) - 1))
