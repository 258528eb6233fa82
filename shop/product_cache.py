"""Listing-ready products (brand, category and images loaded) kept in each process between requests.

A product page shows five recommendation rows, a home page four product lists: fetched the
usual way, each list costs two queries with joins and a prefetch, and building their SQL and
model instances is most of the page's time. Here one light query per list asks the database
which of the wanted products are live, with their stock, prices and `updated_at`; only the
products this process has not seen since their last change are fetched in full.

What could make a kept product stale:
- the product itself was saved: `updated_at` (auto_now) moves, the light query sees it;
- its stock or prices changed through `QuerySet.update` (checkout, refunds, price scripts):
  the light query reads those columns every time and the copy gets them;
- it was deactivated or sold out: the light query no longer returns it;
- its images, brand or category changed, or a product was saved, deleted or bulk-changed in a
  way the light query cannot see: that moves the catalogue version (`shop.cache_versions`), and
  products kept under another version are fetched again. Code that changes names, slugs or images
  with `QuerySet.update` or `bulk_create` must call `catalog_changed()` (the demo loader does).

Kept products are never handed out: each caller gets a copy made by the model's own copy
protocol (`copy.copy`, what pickling uses: its own field values and relation cache), so nothing
a caller sets on it reaches the kept product or another request. The loaded brand, category
and pictures are shared between copies and are read-only by contract: a caller that wants more
relations prefetches them on a queryset of its own.
"""

from __future__ import annotations

import copy
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

from django.db.models import Model, Prefetch, QuerySet

from shop.cache_versions import (  # noqa: F401  (the versions are re-exported: the store imports them from here)
    ProcessCache,
    bytes_of,
    catalog_changed,
    catalog_version,
    forget,
    shelf_version,
    stock_changed,
)
from shop.models import Product, ProductImage

LIGHT_COLUMNS = ("pk", "updated_at", "stock", "price", "compare_at_price")
KEPT_BYTES = 12 * 2**20  # about 2,400 demo products (5 kB each with brand, category, pictures)


@dataclass(frozen=True)
class KeptProduct:
    version: str  # the catalogue version it was read at
    updated_at: datetime
    product: Product  # never handed out: callers get copies
    size: int  # estimated bytes


_kept: ProcessCache[int, KeptProduct] = ProcessCache(max_bytes=KEPT_BYTES, sizeof=lambda kept: kept.size)


def listing_products(ids: Iterable[int], *, in_stock: bool = False) -> list[Product]:
    """Active products by id, in that order, ready for cards and listings; `in_stock` drops sold-out ones."""
    ids = list(dict.fromkeys(ids))
    if not ids:
        return []
    live = Product.objects.filter(pk__in=ids, is_active=True)
    if in_stock:
        live = live.filter(stock__gt=0)
    rows = {row[0]: row for row in live.values_list(*LIGHT_COLUMNS)}
    return _ready([rows[pk] for pk in ids if pk in rows])


def existing_product_ids(ids: Iterable[int]) -> set[int]:
    """Which of these product ids exist (active or not): those kept under the current version, the rest asked for.

    A kept product was read after the last catalogue change, and deleting a product is one.
    """
    ids = set(ids)
    if not ids:
        return set()
    version = catalog_version()
    known = {pk for pk in ids if (kept := _kept.get(pk)) is not None and kept.version == version}
    unknown = ids - known
    if unknown:
        known.update(Product.objects.filter(pk__in=unknown).values_list("pk", flat=True))
    return known


def listing_products_of(queryset: QuerySet[Product], *, limit: int) -> list[Product]:
    """The first `limit` products of a queryset (its filters, its order), ready for cards and listings."""
    return _ready(list(queryset.values_list(*LIGHT_COLUMNS)[:limit]))


def _ready(rows: list[tuple]) -> list[Product]:
    """The products of these light rows, in their order: kept copies where current, the rest fetched."""
    if not rows:
        return []
    version = catalog_version()
    found: dict[int, Product] = {}
    for pk, updated_at, *_ in rows:
        kept = _kept.get(pk)
        if kept is not None and kept.version == version and kept.updated_at == updated_at:
            found[pk] = kept.product
    missing = [row[0] for row in rows if row[0] not in found]
    if missing:
        fetched = with_listing_relations(Product.objects.filter(pk__in=missing))
        found.update((product.pk, product) for product in fetched)
        for pk in missing:  # kept in the order asked: the list's last product is the most recently used
            if pk in found:
                _kept.put(pk, KeptProduct(version, found[pk].updated_at, found[pk], _estimated_bytes(found[pk])))
    return [_copy(found[row[0]], row, version) for row in rows if row[0] in found]


def with_listing_relations(queryset: QuerySet[Product]) -> QuerySet[Product]:
    """What a card or a listing shows of a product besides its row: brand, category, pictures in order."""
    return queryset.select_related("brand", "category").prefetch_related(
        Prefetch("images", queryset=ProductImage.objects.order_by("position", "pk"))
    )


def _copy(product: Product, row: tuple, version: str) -> Product:
    """A copy with the light query's stock and prices, and the version it was checked at.

    `catalog_version` on a product says that its relations (brand, category, images) were current
    at that version: what `shop_tags.product_card_body` keys its rendered cards by.
    """
    clone = copy.copy(product)
    _, _, clone.stock, clone.price, clone.compare_at_price = row
    clone.catalog_version = version
    return clone


def _estimated_bytes(product: Product) -> int:
    """What a kept product holds: its fields, its brand's and category's, and its pictures'."""
    instances: list[Model] = [product, product.brand, product.category, *product.images.all()]
    return sum(bytes_of(vars(instance)) for instance in instances)
