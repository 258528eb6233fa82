"""A listing's length and its brand counts, kept in the shared cache under the versions of what they count.

Counting a category reads every one of its active rows, and so does counting it by brand for the
brand facet: 13 and 7 ms for the 7,207 products of a 100,000-product store's largest category, ten
times that at a million products, on every page of it. Both change only when a product, brand or
category is saved (the catalogue version moves, `shop.cache_versions`) or, for a listing filtered
on stock, when an order takes or gives back stock (the stock version moves). So they are kept in
the shared cache, keyed by those versions and by the listing's own SQL, and read from the database
once per version.

Only a listing whose every filter is on a column that cannot change without moving those versions
is kept: whether a product is active, its category, its brand, a brand's slug, and the stock. A
price (changed by `QuerySet.update` in price scripts, which send no signal), a search match or an
expression is counted every time, as before.

`kept_key` and `kept` serve other figures of a listing under the same rule: its ranked head's rows
(`personalization.serving.ranking`, per process) and a search's ranked matches (`shop.search.selectors`).
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from functools import cached_property
from typing import TypeVar

from django.core.cache import cache
from django.core.exceptions import EmptyResultSet
from django.core.paginator import Paginator
from django.db.models import Count, QuerySet
from django.db.models.expressions import Col
from django.db.models.sql.where import WhereNode

from shop.cache_versions import VERSION_LIFETIME, catalog_version, shelf_version
from shop.models import Brand, Product

T = TypeVar("T")

# (model, field) filters whose every change moves the catalogue version (saves of products, brands, categories).
CATALOGUE_COLUMNS = frozenset(
    {(Product, "id"), (Product, "is_active"), (Product, "category"), (Product, "brand"), (Brand, "slug")}
)
# Changed by orders with `QuerySet.update`; the stock version moves with them.
STOCK_COLUMNS = frozenset({(Product, "stock")})


def listing_count(products: QuerySet) -> int:
    """How many products `products` holds: from the shared cache where its filters allow (see above)."""
    if products._result_cache is not None:
        return len(products._result_cache)
    if products.query.is_sliced:
        return products.count()
    listing = products.order_by()
    return kept(listing, "count", listing.count)


def brand_counts(products: QuerySet) -> dict[int, int]:
    """brand id -> how many of `products` it has: from the shared cache where the listing's filters allow."""
    by_brand = products.order_by().values("brand_id").annotate(n=Count("pk")).values_list("brand_id", "n")
    return dict(kept(by_brand, "brands", lambda: list(by_brand)))


class ListingPaginator(Paginator):
    """Django's paginator, counting a queryset with `listing_count`: a category's pages do not count it each time."""

    @cached_property
    def count(self) -> int:
        if isinstance(self.object_list, QuerySet):
            return listing_count(self.object_list)
        return len(self.object_list)


def kept_key(queryset: QuerySet, what: str, *, reads_stock: bool = False) -> str | None:
    """The key `what` of `queryset` is kept under (its versions and its SQL); None where its filters forbid.

    `reads_stock`: what is kept holds the products' stock, so it moves with orders whatever the filters.
    The versions are read before the database: a change meanwhile leaves the value under the old version.
    """
    versions = _versions_of(queryset, reads_stock=reads_stock)
    if versions is None:
        return None
    try:
        sql, params = queryset.query.sql_with_params()
    except EmptyResultSet:  # a filter on no values (`pk__in=[]`): no SQL, and nothing to read or keep
        return None
    digest = hashlib.blake2b(f"{sql}\0{params!r}".encode(), digest_size=16).hexdigest()
    return f"shop:listing-{what}:{versions}:{digest}"


def kept(queryset: QuerySet, what: str, compute: Callable[[], T]) -> T:
    """`compute()`, kept in the shared cache under `kept_key` where the filters of `queryset` allow."""
    key = kept_key(queryset, what)
    if key is None:
        return compute()
    found = cache.get(key)
    if found is None:
        found = compute()
        cache.set(key, found, VERSION_LIFETIME)
    return found


def _versions_of(queryset: QuerySet, *, reads_stock: bool = False) -> str | None:
    """The versions a figure of `queryset` is kept under; None where it filters on anything else."""
    query = queryset.query
    if query.combinator or query.extra or query.distinct:
        return None
    columns = _filtered_columns(query.where)
    if columns is None or not columns <= CATALOGUE_COLUMNS | STOCK_COLUMNS:
        return None
    return shelf_version() if reads_stock or columns & STOCK_COLUMNS else catalog_version()


def _filtered_columns(node: WhereNode) -> set[tuple[type, str]] | None:
    """(model, field) of every column `node` filters on; None where a filter is not a column against values."""
    columns = set()
    for child in node.children:
        if isinstance(child, WhereNode):
            inner = _filtered_columns(child)
            if inner is None:
                return None
            columns |= inner
            continue
        lhs, rhs = getattr(child, "lhs", None), getattr(child, "rhs", None)
        if not isinstance(lhs, Col) or _is_expression(rhs):
            return None
        columns.add((lhs.target.model, lhs.target.name))
    return columns


def _is_expression(value) -> bool:
    if isinstance(value, list | tuple | set | frozenset):
        return any(_is_expression(item) for item in value)
    return hasattr(value, "resolve_expression") or hasattr(value, "as_sql")
