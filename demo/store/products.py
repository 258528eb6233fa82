"""Deterministic product drafts for the demo store: same seed, same catalog.

Nothing here touches the database, so the drafts can be compared across seeds in a test
and rendered into images without a model instance.
"""

from __future__ import annotations

import math
import random
from dataclasses import dataclass
from datetime import timedelta
from decimal import Decimal

from django.utils.text import slugify

from demo.store import chinese
from demo.store.catalog import CATEGORIES, brands_for
from demo.store.descriptions import book_title, describe, use_for
from demo.store.shelves import AUTHORS_FIRST, AUTHORS_LAST, BOOK_NOUNS, BOOK_WORDS, PLACES, SHELVES, Shelf

LISTING_WINDOW = timedelta(days=180)
OUT_OF_STOCK_SHARE = 0.05
INACTIVE_SHARE = 0.02
ON_SALE_SHARE = 0.18
SECOND_IMAGE_SHARE = 0.15

_MODEL_LETTERS = ("X", "Z", "S", "G", "R", "M", "A", "V", "K", "T")
_MODEL_NUMBERS = (1, 3, 5, 7, 9, 10, 12, 20, 30, 50, 70, 100, 200, 500)
_MODEL_SUFFIXES = ("", "", "", " II", " III", " Pro", " S")
_CATEGORY_NAMES = {node.slug: node.name for node in CATEGORIES}


@dataclass(frozen=True)
class ProductDraft:
    sku: str
    slug: str
    name: str
    category: str
    brand: str
    kind: str
    description: str
    price: Decimal
    compare_at_price: Decimal | None
    stock: int
    is_active: bool
    attributes: dict[str, object]
    listed_ago: timedelta
    image_count: int
    # The same product in Simplified Chinese (demo.store.chinese): drawn from no random stream of the catalogue.
    name_zh_hans: str
    description_zh_hans: str
    attributes_zh_hans: dict[str, str]


def sku_for(index: int) -> str:
    """SKUs depend on the position only, so a rerun with any seed finds the products it made before."""
    return f"DEMO-{index + 1:05d}"


def build_products(*, seed: int, count: int) -> list[ProductDraft]:
    rng = random.Random(seed)
    shelves = _shelf_sequence(rng, count)
    names: set[str] = set()
    names_zh_hans: set[str] = set()
    slugs: set[str] = set()
    drafts = []
    for index, shelf in enumerate(shelves):
        draft = _draft(
            rng, index=index, shelf=shelf, taken_names=names, taken_slugs=slugs, taken_names_zh_hans=names_zh_hans
        )
        names.add(draft.name)
        names_zh_hans.add(draft.name_zh_hans)
        slugs.add(draft.slug)
        drafts.append(draft)
    return drafts


def _shelf_sequence(rng: random.Random, count: int) -> list[Shelf]:
    """Every shelf gets its weighted share (largest remainder), then the order is shuffled."""
    total_weight = sum(shelf.weight for shelf in SHELVES)
    quotas = [count * shelf.weight / total_weight for shelf in SHELVES]
    sizes = [math.floor(quota) for quota in quotas]
    by_remainder = sorted(range(len(SHELVES)), key=lambda i: quotas[i] - sizes[i], reverse=True)
    for i in by_remainder[: count - sum(sizes)]:
        sizes[i] += 1
    sequence = [shelf for shelf, size in zip(SHELVES, sizes, strict=True) for _ in range(size)]
    rng.shuffle(sequence)
    return sequence


def _draft(
    rng: random.Random,
    *,
    index: int,
    shelf: Shelf,
    taken_names: set[str],
    taken_slugs: set[str],
    taken_names_zh_hans: set[str],
) -> ProductDraft:
    brand = rng.choice(brands_for(shelf.category))
    attributes = {key: rng.choice(options) for key, options in shelf.attributes.items()}
    if shelf.icon == "book":
        attributes["author"] = f"{rng.choice(AUTHORS_FIRST)} {rng.choice(AUTHORS_LAST)}"
    kind = rng.choice(shelf.kinds)

    name = ""
    for _ in range(20):
        name = _name(rng, shelf=shelf, brand=brand, kind=kind, attributes=attributes)
        if name not in taken_names:
            break
    else:
        name = f"{name} {_model(rng)}"
    sku = sku_for(index)
    slug = slugify(name)[:200]
    if slug in taken_slugs:
        slug = f"{slug}-{sku.lower()}"

    # The draws keep their order (price, use, description, then the rest): a seed gives the catalogue it always gave.
    price = _price(rng, shelf.price_range)
    use = use_for(rng, kind=kind, shelf_uses=shelf.uses)
    description = describe(
        rng=rng,
        name=name,
        brand=brand,
        category=_CATEGORY_NAMES[shelf.category],
        use=use,
        attributes=attributes,
        kind=kind,
    )
    in_chinese = chinese.product_copy(
        sku=sku,
        name=name,
        brand=brand,
        category=shelf.category,
        kind=kind,
        use=use,
        attributes=attributes,
        taken_names=taken_names_zh_hans,
    )
    return ProductDraft(
        sku=sku,
        slug=slug,
        name=name,
        category=shelf.category,
        brand=brand,
        kind=kind,
        description=description,
        price=price,
        compare_at_price=_compare_at_price(rng, price) if rng.random() < ON_SALE_SHARE else None,
        stock=_stock(rng),
        is_active=rng.random() >= INACTIVE_SHARE,
        attributes=attributes,
        listed_ago=timedelta(seconds=rng.randrange(int(LISTING_WINDOW.total_seconds()))),
        image_count=2 if rng.random() < SECOND_IMAGE_SHARE else 1,
        name_zh_hans=in_chinese.name,
        description_zh_hans=in_chinese.description,
        attributes_zh_hans=in_chinese.attributes,
    )


def _name(rng: random.Random, *, shelf: Shelf, brand: str, kind: str, attributes: dict[str, object]) -> str:
    word, word2 = rng.sample(BOOK_WORDS, 2)
    fields = {
        **attributes,
        "brand": brand,
        "kind": kind,
        "model": _model(rng),
        "adjective": rng.choice(shelf.adjectives) if shelf.adjectives else "",
        "word": word,
        "word2": word2,
        "noun": rng.choice(BOOK_NOUNS),
        "place": rng.choice(PLACES),
    }
    name = " ".join(rng.choice(shelf.templates).format(**fields).split())
    return book_title(name) if shelf.icon == "book" else name


def _model(rng: random.Random) -> str:
    return f"{rng.choice(_MODEL_LETTERS)}{rng.choice(_MODEL_NUMBERS)}{rng.choice(_MODEL_SUFFIXES)}"


def _price(rng: random.Random, price_range: tuple[float, float]) -> Decimal:
    """Log-normal around the geometric middle of the range, clipped to it, then given a shop-like ending."""
    low, high = price_range
    mu = (math.log(low) + math.log(high)) / 2
    sigma = (math.log(high) - math.log(low)) / 5
    return _shelf_price(min(max(math.exp(rng.gauss(mu, sigma)), low), high))


def _shelf_price(amount: float) -> Decimal:
    if amount < 100:
        return Decimal(math.floor(amount)) + Decimal("0.99")
    if amount < 1000:
        return Decimal(max(5 * round(amount / 5), 100)) - Decimal("0.01")
    return Decimal(50 * round(amount / 50)).quantize(Decimal("0.01"))


def _compare_at_price(rng: random.Random, price: Decimal) -> Decimal:
    discount = rng.choice((0.10, 0.15, 0.20, 0.25, 0.30, 0.40))
    compare_at = _shelf_price(float(price) / (1 - discount))
    return compare_at if compare_at > price else price + Decimal("5.00")


def _stock(rng: random.Random) -> int:
    roll = rng.random()
    if roll < OUT_OF_STOCK_SHARE:
        return 0
    if roll < OUT_OF_STOCK_SHARE + 0.10:
        return rng.randint(1, 5)
    return min(max(int(rng.lognormvariate(math.log(40), 0.8)), 6), 500)
