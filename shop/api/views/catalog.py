"""Catalog: products (filtered, searched, sorted), one product, the category tree, brands. Open to everyone."""

from __future__ import annotations

import re
from collections.abc import Sequence

from django.core.paginator import Page
from django.db.models import Count, Q
from drf_spectacular.utils import extend_schema, extend_schema_field
from rest_framework import serializers
from rest_framework.exceptions import NotFound
from rest_framework.generics import ListAPIView
from rest_framework.response import Response
from rest_framework.views import APIView

from config.api_errors import error_response
from shop.api import examples
from shop.api.pagination import BrandPagination, ListingPagination
from shop.api.serializers import ProductDetailSerializer, ProductSummarySerializer
from shop.listing import ranked_page
from shop.models import Brand, Category, Product
from shop.selectors import SORTS, ProductFilters, product_detail, product_list, product_search
from shop.signals import search_performed

SLUG_PATTERN = re.compile(r"[-a-zA-Z0-9_]{1,220}")
ORDERINGS = [*SORTS, "personalized"]


class ProductFilterSerializer(serializers.Serializer):
    category = serializers.CharField(
        required=False, max_length=140, help_text="Category slug; products of its sub-categories are included."
    )
    brand = serializers.ListField(
        child=serializers.CharField(max_length=140), required=False, help_text="Brand slug; repeat for several."
    )
    price_min = serializers.DecimalField(max_digits=12, decimal_places=2, min_value=0, required=False)
    price_max = serializers.DecimalField(max_digits=12, decimal_places=2, min_value=0, required=False)
    in_stock = serializers.BooleanField(required=False, default=False, help_text="Only products in stock.")
    q = serializers.CharField(required=False, allow_blank=True, max_length=200, help_text="Search words.")
    ordering = serializers.ChoiceField(
        choices=ORDERINGS,
        required=False,
        help_text="Default: newest, or relevance when searching. `personalized` ranks for the shopper.",
    )

    def validate_category(self, slug: str) -> Category:
        category = Category.objects.filter(slug=slug).first()
        if category is None:
            raise serializers.ValidationError("Unknown category.")
        return category

    def validate(self, data):
        price_min, price_max = data.get("price_min"), data.get("price_max")
        if price_min is not None and price_max is not None and price_min > price_max:
            raise serializers.ValidationError({"price_min": ["The minimum price is above the maximum price."]})
        return data


@extend_schema(
    tags=["catalog"],
    summary="List products",
    parameters=[ProductFilterSerializer],
    examples=[examples.response("A page of products", examples.PRODUCT)],
    responses={
        200: ProductSummarySerializer(many=True),
        400: error_response("A filter is invalid, e.g. price_min is not a number; `fields` says which."),
    },
)
class ProductListView(ListAPIView):
    serializer_class = ProductSummarySerializer
    pagination_class = ListingPagination

    def list(self, request, *args, **kwargs):
        params = ProductFilterSerializer(data=request.query_params)
        params.is_valid(raise_exception=True)
        data = params.validated_data
        ordering = data.get("ordering")
        filters = ProductFilters(
            brands=tuple(sorted(set(data.get("brand", [])))),
            price_min=data.get("price_min"),
            price_max=data.get("price_max"),
            in_stock=data["in_stock"],
            sort=ordering if ordering in SORTS else "newest",
        )
        query = data.get("q", "").strip()
        if query:
            products = product_search(query=query, filters=filters)
            if ordering in SORTS:
                products = products.order_by(*SORTS[ordering])
            if "category" in data:
                products = products.filter(category_id__in=data["category"].descendant_ids())
        else:
            products = product_list(category=data.get("category"), filters=filters)
        listing = ranked_page(
            request=request,
            products=products,
            surface="search" if query else "category",
            paginate=self.paginate,
            rank=ordering == "personalized",
        )
        if query:
            search_performed.send(
                sender=Product,
                request=request._request,
                query=query,
                list_id=listing.list_id,
                result_count=listing.page.paginator.count,
            )
        serializer = self.get_serializer(listing.page.object_list, many=True)
        return self.paginator.get_listing_response(serializer.data, list_id=listing.list_id)

    def paginate(self, products: Sequence) -> Page:
        self.paginator.paginate_queryset(products, self.request, view=self)
        return self.paginator.page


@extend_schema(
    tags=["catalog"],
    summary="One product",
    responses={200: ProductDetailSerializer},
    examples=[examples.response("A product", examples.PRODUCT_DETAIL)],
)
class ProductDetailView(APIView):
    def get(self, request, slug: str):
        if not SLUG_PATTERN.fullmatch(slug):
            raise NotFound("No product has this slug.")
        try:
            product = product_detail(slug=slug)
        except Product.DoesNotExist:
            raise NotFound("No product has this slug.") from None
        return Response(ProductDetailSerializer(product, context={"request": request}).data)


CATEGORY_NODE_REF = {"type": "array", "items": {"$ref": "#/components/schemas/CategoryNode"}}


class CategoryNodeSerializer(serializers.Serializer):
    slug = serializers.CharField()
    name = serializers.CharField()
    description = serializers.CharField()
    children = serializers.SerializerMethodField()

    @extend_schema_field(CATEGORY_NODE_REF)
    def get_children(self, category) -> list[dict]:
        return CategoryNodeSerializer(category.tree_children, many=True).data


def _category_forest() -> list[Category]:
    """Every category, linked to its children in memory: one query for a tree of any depth."""
    categories = list(Category.objects.order_by("position", "name"))
    for category in categories:
        category.tree_children = []
    by_id = {category.pk: category for category in categories}
    roots = []
    for category in categories:
        parent = by_id.get(category.parent_id)
        (parent.tree_children if parent else roots).append(category)
    return roots


@extend_schema(
    tags=["catalog"],
    summary="The category tree",
    description="Top-level categories, each with its `children`, to any depth. Not paginated: the shop "
    "keeps the tree small enough for one menu.",
    responses={200: CategoryNodeSerializer(many=True)},
    examples=[
        examples.response(
            "Tree",
            [
                {
                    **examples.CATEGORY,
                    "description": "",
                    "children": [{"slug": "mirrorless", "name": "Mirrorless", "description": "", "children": []}],
                }
            ],
        )
    ],
)
class CategoryTreeView(APIView):
    def get(self, request):
        return Response(CategoryNodeSerializer(_category_forest(), many=True).data)


class BrandSerializer(serializers.Serializer):
    slug = serializers.CharField()
    name = serializers.CharField()
    product_count = serializers.IntegerField(help_text="Products on sale.")


@extend_schema(
    tags=["catalog"],
    summary="List brands",
    examples=[examples.response("A brand", {**examples.BRAND, "product_count": 12})],
)
class BrandListView(ListAPIView):
    serializer_class = BrandSerializer
    pagination_class = BrandPagination

    def get_queryset(self):
        return Brand.objects.annotate(product_count=Count("products", filter=Q(products__is_active=True))).order_by(
            "name", "pk"
        )
