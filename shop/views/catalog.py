"""The catalogue's pages: home, a category, a product, search results."""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence

from django.conf import settings
from django.core.paginator import Page
from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.utils.translation import gettext_lazy

from shop import selectors
from shop.listing import ranked_page
from shop.listing_counts import ListingPaginator
from shop.models import Category, Product
from shop.search import selectors as search_selectors
from shop.signals import product_viewed, search_performed

HOME_GRID_SIZE = 8
# The home grids are filled with whole rows of products the rows above them did not show, and in stock:
# they are given this many times what they show to choose from.
HOME_CANDIDATE_FACTOR = 3
SORT_LABELS = {
    "recommended": gettext_lazy("Recommended for you"),
    "newest": gettext_lazy("Newest"),
    "price_asc": gettext_lazy("Price: low to high"),
    "price_desc": gettext_lazy("Price: high to low"),
    "name": gettext_lazy("Name: A to Z"),
    "rating": gettext_lazy("Rating: high to low"),
}


def _listing_context(
    request: HttpRequest, *, products: QuerySet, unbranded_products: QuerySet, filters, surface: str
) -> dict:
    def paginate(items: Sequence) -> Page:
        # get_page turns a non-number into page 1 and a page past the end into the last page.
        return ListingPaginator(items, settings.SHOP_PAGE_SIZE).get_page(request.GET.get("page"))

    listing = ranked_page(
        request=request,
        products=products,
        surface=surface,
        paginate=paginate,
        rank=filters.sort == selectors.DEFAULT_SORT,
    )
    page = listing.page
    return {
        "page_obj": page,
        # The first and last page and two on each side of this one: a long category has thousands of pages.
        "page_numbers": list(page.paginator.get_elided_page_range(page.number, on_each_side=2, on_ends=1)),
        "products": page.object_list,
        "result_count": page.paginator.count,
        "filters": filters,
        "list_id": listing.list_id,
        "brands": selectors.brands_for_listing(products=unbranded_products),
        "sorts": [(key, SORT_LABELS.get(key, key.replace("_", " ").capitalize())) for key in selectors.SORTS],
    }


def home(request: HttpRequest) -> HttpResponse:
    context = {
        "categories": selectors.category_menu(),
        "new_products": selectors.newest_products(limit=HOME_GRID_SIZE * HOME_CANDIDATE_FACTOR),
        "sale_products": selectors.newest_products(limit=HOME_GRID_SIZE * HOME_CANDIDATE_FACTOR, on_sale=True),
    }
    return render(request, "shop/home.html", context)


def category(request: HttpRequest, slug: str) -> HttpResponse:
    current = get_object_or_404(Category.objects.select_related("parent"), slug=slug)
    filters = selectors.ProductFilters.from_query(request.GET)
    products = selectors.product_list(category=current, filters=filters)
    unbranded = selectors.product_list(category=current, filters=dataclasses.replace(filters, brands=()))
    context = _listing_context(
        request, products=products, unbranded_products=unbranded, filters=filters, surface="category"
    )
    context.update(
        category=current,
        breadcrumbs=_ancestors(current),
        subcategories=list(current.children.all()),
    )
    return render(request, "shop/category.html", context)


def _ancestors(category: Category) -> list[Category]:
    chain, parent, seen = [], category.parent, {category.pk}
    while parent is not None and parent.pk not in seen:
        seen.add(parent.pk)
        chain.append(parent)
        parent = parent.parent
    return list(reversed(chain))


def product(request: HttpRequest, slug: str) -> HttpResponse:
    try:
        item = selectors.product_detail(slug=slug)
    except Product.DoesNotExist:
        raise Http404("No such product.") from None
    product_viewed.send(sender=Product, request=request, product=item)
    attributes = [
        (str(name).replace("_", " ").capitalize(), ", ".join(map(str, value)) if isinstance(value, list) else value)
        for name, value in (item.attributes or {}).items()
    ]
    context = {
        "product": item,
        "images": list(item.images.all()),
        "attributes": attributes,
        "breadcrumbs": [*_ancestors(item.category), item.category],
        "max_quantity": min(item.stock, 99),
    }
    return render(request, "shop/product.html", context)


def search(request: HttpRequest) -> HttpResponse:
    query = search_selectors.clean_query(request.GET.get("q", ""))
    filters = selectors.ProductFilters.from_query(request.GET)
    found = search_selectors.product_search_results(
        query=query,
        products=selectors.product_list(filters=dataclasses.replace(filters, brands=())),
        sort_by_relevance=filters.sort == selectors.DEFAULT_SORT,
    )
    # One search for the listing and its brand facet: the brand filter narrows the relevant set, in its order.
    products = found.products.filter(brand__slug__in=filters.brands) if filters.brands else found.products
    context = _listing_context(
        request, products=products, unbranded_products=found.products, filters=filters, surface="search"
    )
    context.update(query=query, search=found)
    if query and not context["result_count"]:
        context["popular_categories"] = search_selectors.popular_categories()
    search_performed.send(
        sender=Product,
        request=request,
        query=query,
        corrected_query=found.corrected_query,
        list_id=context["list_id"],
        result_count=context["result_count"],
    )
    return render(request, "shop/search.html", context)
