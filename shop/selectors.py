"""Reads of the shop: functions that return ready querysets or frozen values."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from django.conf import settings
from django.db.models import Count, Prefetch, Q, QuerySet

from shop.models import Brand, Cart, Category, Order, Product, ProductImage

# "recommended" is this shopper's personalized order (ranked by the personalization app before
# pagination); the database ordering here is its fallback when personalization is off.
SORTS = {
    "recommended": ("-created_at", "pk"),
    "newest": ("-created_at", "pk"),
    "price_asc": ("price", "pk"),
    "price_desc": ("-price", "pk"),
    "name": ("name", "pk"),
}
DEFAULT_SORT = "recommended"


@dataclass(frozen=True)
class ProductFilters:
    """A listing's filters, parsed and validated from query parameters."""

    brands: tuple[str, ...] = ()
    price_min: Decimal | None = None
    price_max: Decimal | None = None
    in_stock: bool = False
    sort: str = DEFAULT_SORT
    errors: tuple[str, ...] = ()

    @classmethod
    def from_query(cls, params) -> ProductFilters:
        errors = []

        def decimal_param(name: str) -> Decimal | None:
            raw = (params.get(name) or "").strip()
            if not raw:
                return None
            try:
                value = Decimal(raw)
            except InvalidOperation:
                errors.append(f"{name.replace('_', ' ').capitalize()} must be a number.")
                return None
            if not value.is_finite() or value < 0:
                errors.append(f"{name.replace('_', ' ').capitalize()} must be zero or more.")
                return None
            return value

        price_min, price_max = decimal_param("price_min"), decimal_param("price_max")
        if price_min is not None and price_max is not None and price_min > price_max:
            errors.append("The minimum price is above the maximum price.")
            price_min = price_max = None
        sort = params.get("sort") or DEFAULT_SORT
        if sort not in SORTS:
            errors.append("Unknown sort order; showing our recommendations.")
            sort = DEFAULT_SORT
        brands = tuple(sorted({b for b in params.getlist("brand") if b})) if hasattr(params, "getlist") else ()
        return cls(
            brands=brands,
            price_min=price_min,
            price_max=price_max,
            in_stock=params.get("in_stock") in {"1", "on", "true"},
            sort=sort,
            errors=tuple(errors),
        )


def _with_listing_relations(queryset: QuerySet[Product]) -> QuerySet[Product]:
    return queryset.select_related("brand", "category").prefetch_related(
        Prefetch("images", queryset=ProductImage.objects.order_by("position", "pk"))
    )


def product_list(*, category: Category | None = None, filters: ProductFilters | None = None) -> QuerySet[Product]:
    """Active products of a category (and its sub-categories), filtered and sorted."""
    filters = filters or ProductFilters()
    queryset = Product.objects.filter(is_active=True)
    if category is not None:
        queryset = queryset.filter(category_id__in=category.descendant_ids())
    if filters.brands:
        queryset = queryset.filter(brand__slug__in=filters.brands)
    if filters.price_min is not None:
        queryset = queryset.filter(price__gte=filters.price_min)
    if filters.price_max is not None:
        queryset = queryset.filter(price__lte=filters.price_max)
    if filters.in_stock:
        queryset = queryset.filter(stock__gt=0)
    return _with_listing_relations(queryset.order_by(*SORTS[filters.sort]))


def product_search(*, query: str, filters: ProductFilters | None = None) -> QuerySet[Product]:
    """Full-text search: PostgreSQL's ranking when on PostgreSQL, word-by-word matching elsewhere."""
    query = " ".join(query.split())[:200]
    base = product_list(filters=filters)
    if not query:
        return base.none()
    if settings.USING_POSTGRES:
        from django.contrib.postgres.search import SearchQuery, SearchRank, SearchVector

        vector = (
            SearchVector("name", weight="A")
            + SearchVector("brand__name", weight="A")
            + SearchVector("category__name", weight="B")
            + SearchVector("description", weight="C")
        )
        search_query = SearchQuery(query, search_type="websearch", config="english")
        ranked = base.annotate(rank=SearchRank(vector, search_query)).filter(rank__gt=0)
        if filters is None or filters.sort == DEFAULT_SORT:
            # Relevance first; personalization then reorders within the matches.
            ranked = ranked.order_by("-rank", "pk")
        return ranked
    condition = Q()
    for term in query.split()[:8]:
        condition &= (
            Q(name__icontains=term)
            | Q(description__icontains=term)
            | Q(brand__name__icontains=term)
            | Q(category__name__icontains=term)
        )
    return base.filter(condition)


def products_in_order(*, ids: list[int]) -> list[Product]:
    """Listing-ready products for the given ids, in that order (ids of inactive products are skipped)."""
    by_id = {p.pk: p for p in _with_listing_relations(Product.objects.filter(pk__in=ids, is_active=True))}
    return [by_id[pk] for pk in ids if pk in by_id]


class ProductsInOrder(Sequence):
    """Products by id in a given order, fetched a page at a time: what a paginator needs of a ranked listing."""

    def __init__(self, ids: list[int]):
        self.ids = list(ids)

    def __len__(self) -> int:
        return len(self.ids)

    def __getitem__(self, index):
        if isinstance(index, slice):
            return products_in_order(ids=self.ids[index])
        return products_in_order(ids=[self.ids[index]])[0]


def product_detail(*, slug: str) -> Product:
    return _with_listing_relations(Product.objects.filter(is_active=True)).get(slug=slug)


def brands_for_listing(*, products: QuerySet[Product]) -> QuerySet[Brand]:
    """Brands present in a listing (before the brand filter), with their product counts."""
    return (
        Brand.objects.filter(products__in=products.order_by().values("pk"))
        .annotate(product_count=Count("products"))
        .order_by("name")
    )


def category_tree() -> list[Category]:
    """Top-level categories with their children prefetched (one query each level)."""
    return list(Category.objects.filter(parent=None).prefetch_related("children"))


def cart_lines(*, cart: Cart | None) -> list:
    if cart is None:
        return []
    return list(cart.lines.select_related("product__brand", "product__category").prefetch_related("product__images"))


def orders_for_user(*, user) -> QuerySet[Order]:
    return Order.objects.filter(user=user).prefetch_related("lines").order_by("-created_at", "-pk")


def order_for_user(*, user, number: str) -> Order:
    """One of the user's own orders; another customer's order is indistinguishable from a missing one."""
    return Order.objects.prefetch_related("lines", "status_changes").get(user=user, number=number)
