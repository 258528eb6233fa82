"""Listing-ready products (brand, category and images loaded) kept in each process between requests.

A product page shows five recommendation rows, a home page four product lists: fetched the
usual way, each list costs two queries with joins and a prefetch, and building their SQL and
model instances is most of the page's time. Here one light query per list asks the database
which of the wanted products are live, with their stock, prices and `updated_at`; only the
products this process has not seen since their last change are fetched in full.

What could make a kept copy stale:
- the product itself was saved: `updated_at` (auto_now) moves, the light query sees it;
- its stock or prices changed through `QuerySet.update` (checkout, refunds, price scripts):
  the light query reads those columns every time and the copy gets them;
- it was deactivated or sold out: the light query no longer returns it;
- its images, brand or category changed, or a product was saved, deleted or bulk-changed in a
  way the light query cannot see: every save and delete of those models bumps the *catalogue
  version* in the Django cache (signals below, again once the transaction commits), and
  copies of another version are fetched again. Code that changes names, slugs or images with
  `QuerySet.update` or `bulk_create` must call `catalog_changed()` (the demo loader does).

The version lives in the shared cache (Redis in production), so a change in one web worker or
Celery task reaches every process; a cleared cache starts a new version. With the local-memory
cache of the embedded setup, only the process that made the change sees it at once (the dev
server is one process); as versions expire after VERSION_LIFETIME seconds, several processes
on local-memory caches show another's change of a picture or a brand name within that time.
While the shared cache cannot be reached (config.cache answers as an empty cache), each process
keeps versions of its own, on the same lifetime: what it keeps is trusted no longer than usual.
Each caller gets its own shallow copies: nothing it sets on them reaches the kept products or
another request.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from time import monotonic

from django.core.cache import cache
from django.db import transaction
from django.db.models import Prefetch, QuerySet
from django.db.models.signals import post_delete, post_save

from shop.lru import LRU
from shop.models import Brand, Category, Product, ProductImage

VERSION_KEY = "shop:catalog-version"
STOCK_VERSION_KEY = "shop:stock-version"
VERSION_LIFETIME = 300  # seconds; a new version then (everything fetched again once): bounds any missed change
LIGHT_COLUMNS = ("pk", "updated_at", "stock", "price", "compare_at_price")

_kept: LRU[int, tuple[str, object, Product]] = LRU(2000)  # pk -> (version, updated_at, product); a few MB
_own_versions: dict[str, tuple[str, float]] = {}  # key -> (version, monotonic expiry), without a shared cache


def _version(key: str) -> str:
    version = cache.get(key)
    if version is None:  # first use, or the cache was cleared: a new version, the same for every process
        cache.add(key, uuid.uuid4().hex, timeout=VERSION_LIFETIME)
        version = cache.get(key)
    if version is None:  # the shared cache is unreachable
        version, expiry = _own_versions.get(key, ("", 0.0))
        if expiry <= monotonic():
            version = _new_own_version(key)
    return version


def _new_own_version(key: str) -> str:
    version = uuid.uuid4().hex
    _own_versions[key] = (version, monotonic() + VERSION_LIFETIME)
    return version


def _move(key: str) -> None:
    if cache.set(key, uuid.uuid4().hex, timeout=VERSION_LIFETIME) is False:  # not stored: at least this process moves
        _new_own_version(key)


def catalog_version() -> str:
    """The current catalogue version: it moves when products, images, brands or categories change."""
    return _version(VERSION_KEY)


def catalog_changed() -> None:
    """Every process fetches its listing products again (after their next light query)."""
    _move(VERSION_KEY)


def shelf_version() -> str:
    """The catalogue version and the stock version together: for cached lists of what is in stock and sells.

    The stock version moves when an order takes stock or a cancelled one gives it back (after
    the commit), so a list cached under it (candidates in stock, best sellers, bought together)
    is the list that would be computed now, until the next order.
    """
    return f"{catalog_version()}:{_version(STOCK_VERSION_KEY)}"


def stock_changed() -> None:
    _move(STOCK_VERSION_KEY)


def forget() -> None:
    """Drop this process's copies and own versions (tests; a shell session that edited rows by hand)."""
    _kept.clear()
    _own_versions.clear()


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
    known = {pk for pk in ids if (entry := _kept.get(pk)) is not None and entry[0] == version}
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
        entry = _kept.get(pk)
        if entry is not None and entry[0] == version and entry[1] == updated_at:
            found[pk] = entry[2]
    missing = [row[0] for row in rows if row[0] not in found]
    if missing:
        fetched = with_listing_relations(Product.objects.filter(pk__in=missing))
        found.update((product.pk, product) for product in fetched)
        for pk in missing:  # kept in the order asked: the list's last product is the most recently used
            if pk in found:
                _kept.put(pk, (version, found[pk].updated_at, found[pk]))
    return [_copy(found[row[0]], row, version) for row in rows if row[0] in found]


def with_listing_relations(queryset: QuerySet[Product]) -> QuerySet[Product]:
    """What a card or a listing shows of a product besides its row: brand, category, pictures in order."""
    return queryset.select_related("brand", "category").prefetch_related(
        Prefetch("images", queryset=ProductImage.objects.order_by("position", "pk"))
    )


def _copy(product: Product, row: tuple, version: str) -> Product:
    """A shallow copy with its own state, the light query's stock and prices, and the version it was checked at.

    `catalog_version` on a product says that its relations (brand, category, images) were current
    at that version: what `shop_tags.product_card_body` keys its rendered cards by.
    """
    clone = Product.__new__(Product)
    clone.__dict__ = product.__dict__.copy()
    state = clone._state = type(product._state)()
    state.db, state.adding = product._state.db, False
    state.fields_cache = dict(product._state.fields_cache)
    if hasattr(product, "_prefetched_objects_cache"):
        clone._prefetched_objects_cache = dict(product._prefetched_objects_cache)
    _, _, clone.stock, clone.price, clone.compare_at_price = row
    clone.catalog_version = version
    return clone


def _changed(sender, **kwargs) -> None:
    catalog_changed()
    # A process that reads between this save and the commit would keep the old row under the new version.
    transaction.on_commit(catalog_changed, robust=True)


for _model in (Product, ProductImage, Brand, Category):
    post_save.connect(_changed, sender=_model, dispatch_uid=f"product_cache_{_model.__name__}_saved")
    post_delete.connect(_changed, sender=_model, dispatch_uid=f"product_cache_{_model.__name__}_deleted")
