"""The assistant's tools: the only places its facts come from. Products through the shop's selectors and
search, ranked by the serving layer; the asker's own orders; the cart service. Each returns plain values."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Q
from django.http import HttpRequest

from personalization.assistant.constraints import Constraints
from personalization.assistant.lexicon import lexicon
from personalization.serving.context import ShopperContext, context_for_request
from personalization.serving.impressions import shown_list_log
from personalization.serving.ranking import RankedList, rank_products
from shop.models import Order, Product
from shop.search.selectors import product_search_results
from shop.selectors import ProductFilters, order_for_user, orders_for_user, product_list

SURFACE = "assistant"
SHOWN = 5  # products a reply lists
CANDIDATES = 200  # the matching set the ranker orders


@dataclass(frozen=True)
class ProductResults:
    ranked: RankedList
    total: int  # how many products match every constraint (before the cut to SHOWN)
    keywords_dropped: tuple[str, ...] = ()  # words no matching product contains, searched without


def matching_products(constraints: Constraints, *, use_keywords: bool = True):
    """Every active, in-stock product that meets the constraints exactly (a queryset, unordered)."""
    words = lexicon()
    filters = ProductFilters(
        brands=constraints.brands,
        price_min=constraints.price_min,
        price_max=constraints.price_max,
        in_stock=True,
    )
    queryset = product_list(filters=filters)
    if constraints.category:
        queryset = queryset.filter(category_id__in=words.category_ids.get(constraints.category, [-1]))
    if constraints.exclude_brands:
        queryset = queryset.exclude(brand__slug__in=constraints.exclude_brands)
    for key, value in constraints.attributes:
        queryset = queryset.filter(Q(**{f"attributes_en__{key}": value}))
    if use_keywords and constraints.keywords:
        queryset = product_search_results(
            query=" ".join(constraints.keywords), products=queryset, sort_by_relevance=False
        ).products
    return queryset


def product_search(
    constraints: Constraints, *, request: HttpRequest | None, context: ShopperContext | None = None
) -> ProductResults:
    """The products meeting `constraints`, ranked for this shopper; logged as shown (list id, impression)."""
    dropped: tuple[str, ...] = ()
    queryset = matching_products(constraints)
    candidates = list(queryset[:CANDIDATES])
    if not candidates and constraints.keywords:
        # Words no product holds ("gift", "birthday") must not hide products that meet every other constraint.
        candidates = list(matching_products(constraints, use_keywords=False)[:CANDIDATES])
        dropped = constraints.keywords if candidates else ()
    if context is None:
        context = context_for_request(request) if request is not None else ShopperContext(enabled=False)
    ranked = rank_products(candidates, context=context, surface=SURFACE, limit=SHOWN)
    if request is not None:
        shown_list_log(request=request, context=context, ranked=ranked, slot=SURFACE)
    return ProductResults(ranked=ranked, total=len(candidates), keywords_dropped=dropped)


def products_by_id(ids: list[int]) -> list[Product]:
    found = {p.pk: p for p in Product.objects.filter(pk__in=ids, is_active=True).select_related("brand", "category")}
    return [found[i] for i in ids if i in found]


def own_order(*, user, number: str = "") -> Order | None:
    """The asker's order with this number, or their latest; None when they have none (or not that one).

    Looked up within the asker's orders only: another customer's number reads as a missing order.
    """
    if user is None or not user.is_authenticated:
        return None
    if number:
        try:
            return order_for_user(user=user, number=number)
        except Order.DoesNotExist:
            return None
    return orders_for_user(user=user).first()


def vouchers_on_offer() -> list:
    """The codes the shop advertises to everyone, valid now (the same list the home page and carts show)."""
    from shop.vouchers.selectors import advertised_vouchers

    return advertised_vouchers()


def price_text(amount: Decimal) -> str:
    return f"${amount:,.2f}"
