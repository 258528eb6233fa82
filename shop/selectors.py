"""Reads of the shop: functions that return ready querysets or frozen values."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from django.core.cache import cache
from django.db.models import F, QuerySet
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from shop import product_cache
from shop.listing_counts import brand_counts
from shop.models import Brand, Cart, Category, Order, Product
from shop.search.selectors import product_search_results

# "recommended" is this shopper's personalized order (ranked by the personalization app before
# pagination); the database ordering here is its fallback when personalization is off.
SORTS = {
    "recommended": ("-created_at", "pk"),
    "newest": ("-created_at", "pk"),
    "price_asc": ("price", "pk"),
    "price_desc": ("-price", "pk"),
    "name": ("name", "pk"),
    # Best rated first; unrated products last, more reviews break a tie.
    "rating": (F("rating_average").desc(nulls_last=True), "-rating_count", "pk"),
}
DEFAULT_SORT = "recommended"
CATEGORY_MENU_TTL_SECONDS = 3600  # a change of the catalogue starts a new key at once
_PRICE = Product._meta.get_field("price")
# The dearest price a product can have: a filter beyond it would overflow the column in the query.
MAX_PRICE_FILTER = Decimal(10) ** (_PRICE.max_digits - _PRICE.decimal_places) - Decimal(10) ** -_PRICE.decimal_places


PRICE_PARAM_LABELS = {"price_min": gettext_lazy("Price min"), "price_max": gettext_lazy("Price max")}


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
            label = PRICE_PARAM_LABELS[name]
            raw = (params.get(name) or "").strip()
            if not raw:
                return None
            try:
                value = Decimal(raw)
            except InvalidOperation:
                errors.append(_("%(label)s must be a number.") % {"label": label})
                return None
            if not value.is_finite() or value < 0:
                errors.append(_("%(label)s must be zero or more.") % {"label": label})
                return None
            if value > MAX_PRICE_FILTER:
                errors.append(_("%(label)s must be at most %(max)s.") % {"label": label, "max": MAX_PRICE_FILTER})
                return None
            return value

        price_min, price_max = decimal_param("price_min"), decimal_param("price_max")
        if price_min is not None and price_max is not None and price_min > price_max:
            errors.append(_("The minimum price is above the maximum price."))
            price_min = price_max = None
        sort = params.get("sort") or DEFAULT_SORT
        if sort not in SORTS:
            errors.append(_("Unknown sort order; showing our recommendations."))
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


def product_list(*, category: Category | None = None, filters: ProductFilters | None = None) -> QuerySet[Product]:
    """Active products of a category (and its sub-categories), filtered and sorted."""
    filters = filters or ProductFilters()
    queryset = Product.objects.filter(is_active=True)
    if category is not None:
        # Sorted: the same category is the same SQL, which keys its kept count (shop.listing_counts).
        queryset = queryset.filter(category_id__in=sorted(category.descendant_ids()))
    if filters.brands:
        queryset = queryset.filter(brand__slug__in=filters.brands)
    if filters.price_min is not None:
        queryset = queryset.filter(price__gte=filters.price_min)
    if filters.price_max is not None:
        queryset = queryset.filter(price__lte=filters.price_max)
    if filters.in_stock:
        queryset = queryset.filter(stock__gt=0)
    return product_cache.with_listing_relations(queryset.order_by(*SORTS[filters.sort]))


def product_search(*, query: str, filters: ProductFilters | None = None) -> QuerySet[Product]:
    """Active products matching a query (see `shop.search`): best first, unless the filters chose an order."""
    filters = filters or ProductFilters()
    return product_search_results(
        query=query, products=product_list(filters=filters), sort_by_relevance=filters.sort == DEFAULT_SORT
    ).products


def products_in_order(*, ids: list[int], in_stock: bool = False) -> list[Product]:
    """Listing-ready products for the given ids, in that order (ids of inactive products are skipped).

    Served from each process's copies where they are current (see `shop.product_cache`).
    """
    return product_cache.listing_products(ids, in_stock=in_stock)


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
    """An active product with its brand, category and images; Product.DoesNotExist if there is none."""
    found = product_cache.listing_products_of(Product.objects.filter(is_active=True, slug=slug), limit=1)
    if not found:
        raise Product.DoesNotExist(f"No active product {slug!r}.")
    return found[0]


def brands_for_listing(*, products: QuerySet[Product]) -> list[Brand]:
    """Brands present in a listing (before the brand filter), by name, each with its `product_count` there.

    The listing is counted by brand in one GROUP BY over its own rows (kept in the shared cache per
    catalogue version where its filters allow, `shop.listing_counts`), then its few brands are read
    by key. Joining every brand's products back to the listing (`products__in`) read each of the
    listing's products twice: at 100,000 products, the category page's costliest query.
    """
    counts = brand_counts(products)
    if not counts:
        return []
    brands = list(Brand.objects.filter(pk__in=counts).order_by("name"))
    for brand in brands:
        brand.product_count = counts[brand.pk]
    return brands


def category_tree() -> list[Category]:
    """Top-level categories with their children prefetched (one query each level)."""
    return list(Category.objects.filter(parent=None).prefetch_related("children"))


def category_menu() -> list[dict]:
    """The top-level categories with their children, as plain values (name, slug, url, children).

    Kept in the cache under the catalogue version, so a saved category shows at once
    (see `shop.product_cache`); every page's navigation and the home page's tiles read it.
    """

    def menu() -> list[dict]:
        return [
            {
                "name": category.name,
                "slug": category.slug,
                "url": category.get_absolute_url(),
                "children": [{"name": c.name, "url": c.get_absolute_url()} for c in category.children.all()],
            }
            for category in category_tree()
        ]

    key = f"shop:category-menu:{product_cache.catalog_version()}"
    return cache.get_or_set(key, menu, CATEGORY_MENU_TTL_SECONDS)


def newest_products(*, limit: int, on_sale: bool = False) -> list[Product]:
    """The newest active products, listing-ready; `on_sale`: only those below their compare-at price, in stock.

    A deal nobody can buy is no deal: the home page neither lists it nor offers a button to it.
    """
    newest = Product.objects.filter(is_active=True).order_by(*SORTS["newest"])
    if on_sale:
        newest = newest.filter(compare_at_price__gt=F("price"), stock__gt=0)
    return product_cache.listing_products_of(newest, limit=limit)


def cart_lines(*, cart: Cart | None) -> list:
    if cart is None:
        return []
    return list(cart.lines.select_related("product__brand", "product__category").prefetch_related("product__images"))


def orders_for_user(*, user) -> QuerySet[Order]:
    return Order.objects.filter(user=user).prefetch_related("lines").order_by("-created_at", "-pk")


def order_for_user(*, user, number: str) -> Order:
    """One of the user's own orders; another customer's order is indistinguishable from a missing one."""
    return Order.objects.prefetch_related("lines", "status_changes").get(user=user, number=number)
