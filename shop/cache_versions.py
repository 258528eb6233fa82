"""The one owner of what makes a kept thing stale: versions in named namespaces, and the per-process caches.

The caches of catalogue, stock and model data (shared and per process, in the store and in
personalization) key their entries by a version from here, so a change invalidates by moving a
version instead of deleting entries (docs/caching.md has the map):

- CATALOG moves when a product, image, brand or category is saved or deleted (receivers below,
  again once the transaction commits), or when code that bulk-changes them calls `catalog_changed`;
- STOCK moves when an order takes stock or a cancelled one gives it back (`stock_changed`);
- MODEL has one version per model kind: the champion's id, which the registry moves on promotion.

Versions live in the shared cache (Redis in production), so a change in one web worker or Celery
task reaches every process; a cleared cache starts a new version. Token versions (catalog, stock)
expire after VERSION_LIFETIME seconds, which bounds what a missed change can leave. While the
shared cache cannot be reached (config.cache answers as an empty cache), each process keeps token
versions of its own on the same lifetime, and a namespace with a source of truth (the champion's
id in the database) asks it every time.

Per-process caches are `ProcessCache`s: least recently used first out, bounded in estimated bytes.
"""

from __future__ import annotations

import sys
import threading
import uuid
import weakref
from collections.abc import Callable, Hashable
from dataclasses import dataclass
from operator import itemgetter
from time import monotonic
from typing import Any, Generic, TypeVar

from cachetools import LRUCache
from django.core.cache import cache, caches
from django.core.cache.backends.locmem import LocMemCache
from django.db import transaction
from django.db.models.signals import post_delete, post_save

from shop.models import Brand, Category, Product, ProductImage

VERSION_LIFETIME = 300  # seconds; a new version then (everything fetched again once): bounds any missed change

K = TypeVar("K", bound=Hashable)
V = TypeVar("V")


@dataclass(frozen=True)
class Namespace:
    """Where a version lives: a shared cache key (a part, such as a model kind, follows a colon) and how long."""

    key: str
    lifetime: int | None  # seconds before a new version starts anyway; None: until moved
    # Seconds a cache local to this process (the embedded default's local memory) keeps the version: another
    # process's move (the demo's history or live traffic promoting a champion) never reaches that cache, so
    # the source of truth is asked again this soon. None: as `lifetime`.
    local_lifetime: int | None = None


CATALOG = Namespace("shop:catalog-version", VERSION_LIFETIME)
STOCK = Namespace("shop:stock-version", VERSION_LIFETIME)
MODEL = Namespace("recsys:champion", None, local_lifetime=10)

_own_versions: dict[str, tuple[str, float]] = {}  # key -> (version, monotonic expiry), without a shared cache


def key_of(namespace: Namespace, *, part: str = "") -> str:
    return f"{namespace.key}:{part}" if part else namespace.key


def version(namespace: Namespace, *, part: str = "", source: Callable[[], Any] | None = None) -> Any:
    """The current version: a token, or what `source` says (the truth the version stands for) when none is set."""
    key = key_of(namespace, part=part)
    current = cache.get(key)
    if current is not None:
        return current
    # First use, or the cache was cleared: one new version, the same for every process (add, not set: a
    # version moved meanwhile by another process wins over the one read here).
    fresh = source() if source is not None else uuid.uuid4().hex
    cache.add(key, fresh, timeout=_lifetime(namespace))
    current = cache.get(key)
    if current is not None:
        return current
    if source is not None:  # the shared cache is unreachable: the source of truth answers every time
        return fresh
    current, expiry = _own_versions.get(key, ("", 0.0))
    if expiry <= monotonic():
        current = _new_own_version(key, namespace)
    return current


def version_move(namespace: Namespace, *, part: str = "", to: Any = None) -> None:
    """Start a new version (`to`, or a fresh token): everything kept under the old one is stale everywhere."""
    key = key_of(namespace, part=part)
    if cache.set(key, to if to is not None else uuid.uuid4().hex, timeout=_lifetime(namespace)) is False:
        _new_own_version(key, namespace)  # not stored: at least this process moves


def _lifetime(namespace: Namespace) -> int | None:
    if namespace.local_lifetime is not None and isinstance(caches["default"], LocMemCache):
        return namespace.local_lifetime
    return namespace.lifetime


def _new_own_version(key: str, namespace: Namespace) -> str:
    own = uuid.uuid4().hex
    _own_versions[key] = (own, monotonic() + (namespace.lifetime or VERSION_LIFETIME))
    return own


def catalog_version() -> str:
    """The current catalogue version: it moves when products, images, brands or categories change."""
    return version(CATALOG)


def catalog_changed() -> None:
    """Every process fetches its listing products and renders its cards again."""
    version_move(CATALOG)


def shelf_version() -> str:
    """The catalogue version and the stock version together: for cached lists of what is in stock and sells.

    A list cached under it (candidates in stock, best sellers, bought together) is the list that
    would be computed now, until the next order.
    """
    return f"{catalog_version()}:{version(STOCK)}"


def stock_changed() -> None:
    version_move(STOCK)


class ProcessCache(Generic[K, V]):
    """A thread-safe least-recently-used map of one process, bounded in estimated bytes (keys and values).

    `sizeof` estimates a value's bytes; a key counts what `bytes_of` finds in it.
    """

    def __init__(self, *, max_bytes: int, sizeof: Callable[[V], int]) -> None:
        self.max_bytes = max_bytes
        self._sizeof = sizeof
        self._entries: LRUCache[K, tuple[V, int]] = LRUCache(maxsize=max_bytes, getsizeof=itemgetter(1))
        self._lock = threading.Lock()
        _process_caches.add(self)

    def get(self, key: K) -> V | None:
        with self._lock:
            entry = self._entries.get(key)
        return None if entry is None else entry[0]

    def put(self, key: K, value: V) -> None:
        size = bytes_of(key) + self._sizeof(value)
        if size > self.max_bytes:  # larger than the whole cache: not kept
            return
        with self._lock:
            self._entries[key] = (value, size)

    def clear(self) -> None:
        with self._lock:
            self._entries.clear()

    @property
    def bytes(self) -> int:
        return int(self._entries.currsize)

    def __len__(self) -> int:
        return len(self._entries)


_process_caches: weakref.WeakSet[ProcessCache] = weakref.WeakSet()


def bytes_of(*values: object) -> int:
    """Roughly the bytes these values hold: their own size and, for tuples, lists and dicts, their members'.

    Other objects count their own size only: callers pass the values an object holds.
    """
    total = 0
    for value in values:
        total += sys.getsizeof(value)
        if isinstance(value, tuple | list):
            total += bytes_of(*value)
        elif isinstance(value, dict):
            total += bytes_of(*value.keys(), *value.values())
    return total


def forget() -> None:
    """Drop every per-process cache and own version (tests; a shell session that edited rows by hand)."""
    for kept in list(_process_caches):
        kept.clear()
    _own_versions.clear()


def catalog_changed_in_transaction() -> None:
    """After a catalogue write that may sit in a transaction: move now, and again once it commits (a process
    that reads between the write and the commit would keep the old row under the new version)."""
    catalog_changed()
    transaction.on_commit(catalog_changed, robust=True)


def _changed(sender, **kwargs) -> None:
    catalog_changed_in_transaction()


for _model in (Product, ProductImage, Brand, Category):
    post_save.connect(_changed, sender=_model, dispatch_uid=f"product_cache_{_model.__name__}_saved")
    post_delete.connect(_changed, sender=_model, dispatch_uid=f"product_cache_{_model.__name__}_deleted")


class PerVersion(Generic[V]):
    """One value per process, built from the database for the current version that `version()` returns.

    Built once per version (one builder at a time; the others wait and take its result); `forget`
    drops it so the next `get` builds again (after a change the version does not see).
    """

    def __init__(self, build: Callable[[str], V], *, version: Callable[[], str]) -> None:
        self._build = build
        self._version = version
        self._lock = threading.Lock()
        self._current: tuple[str, V] | None = None

    def get(self) -> V:
        version = self._version()
        current = self._current
        if current is not None and current[0] == version:
            return current[1]
        with self._lock:
            if self._current is None or self._current[0] != version:
                self._current = (version, self._build(version))
            return self._current[1]

    def forget(self) -> None:
        self._current = None


class PerCatalogVersion(PerVersion[V]):
    """One value per process for the current catalogue version (it moves when products, brands... change)."""

    def __init__(self, build: Callable[[str], V]) -> None:
        super().__init__(build, version=catalog_version)
