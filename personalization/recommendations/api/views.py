"""Recommendations for the mobile app: the same slots and decisions as the site's template tags."""

from __future__ import annotations

from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers
from rest_framework.exceptions import NotFound, ValidationError
from rest_framework.response import Response
from rest_framework.views import APIView

from config.api_errors import error_response
from personalization.serving import SLOTS, context_for_request, fill_slot
from personalization.serving.impressions import shown_list_log
from shop.api import examples
from shop.api.serializers import ProductSummarySerializer
from shop.models import Category, Product

MAX_K = 48


class RecommendedProductSerializer(ProductSummarySerializer):
    position = serializers.IntegerField(help_text="1-based; send it back with list_click events.")
    reason = serializers.CharField(help_text="Why it is here, e.g. 'Because you viewed X'; may be empty.")


class RecommendationsSerializer(serializers.Serializer):
    slot = serializers.CharField()
    list_id = serializers.CharField(help_text="Send it with list_impression and list_click events.")
    ranker = serializers.CharField(help_text="What produced the order: sasrec, covisit, popularity, default...")
    results = RecommendedProductSerializer(many=True)


class RecommendationsQuerySerializer(serializers.Serializer):
    k = serializers.IntegerField(min_value=1, max_value=MAX_K, default=8)
    product = serializers.SlugField(required=False, help_text="Product slug: needed by similar and bought_together.")
    category = serializers.SlugField(required=False, help_text="Category slug: needed by trending.")


@extend_schema(
    tags=["recommendations"],
    summary="Recommendations for a named slot",
    description=(
        "The shopper is the token's user, or the anonymous visitor of the X-Visitor-Id header. Slots: "
        + ", ".join(SLOTS)
        + ". The list is logged as an impression; each product's position and the list id attribute clicks."
    ),
    parameters=[
        OpenApiParameter("slot", str, OpenApiParameter.PATH, enum=list(SLOTS)),
        RecommendationsQuerySerializer,
    ],
    responses={
        200: RecommendationsSerializer,
        400: error_response("Bad k, or a slot's required product or category missing."),
        404: error_response("Unknown slot, product or category."),
    },
    examples=[
        examples.response(
            "For you",
            {
                "slot": "for_you",
                "list_id": "4f9c2a7b1d3e5f60",
                "ranker": "sasrec",
                "results": [{**examples.PRODUCT, "position": 1, "reason": "Because you viewed Lumix G9 camera"}],
            },
        ),
        examples.error("Unknown slot", "not_found", "Unknown slot 'nope'.", status_code=404),
        examples.error(
            "Missing product",
            "invalid",
            "The request has invalid fields.",
            status_code=400,
            fields={"product": ["The similar slot needs a product slug."]},
        ),
    ],
)
class RecommendationsView(APIView):
    def get(self, request, slot: str):
        if slot not in SLOTS:
            raise NotFound(f"Unknown slot {slot!r}.")
        query = RecommendationsQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        params = {}
        if slot in {"similar", "bought_together"}:
            params["product"] = self._product(query.validated_data.get("product"), slot)
        if slot == "trending":
            params["category"] = self._category(query.validated_data.get("category"))
        shopper = context_for_request(request)
        ranked = fill_slot(slot, k=query.validated_data["k"], context=shopper, **params)
        shown_list_log(request=request, context=shopper, ranked=ranked, slot=slot)
        serializer_context = {"request": request}
        results = [
            {
                **ProductSummarySerializer(product, context=serializer_context).data,
                "position": position,
                "reason": ranked.reason_for(product),
            }
            for position, product in enumerate(ranked.products, start=1)
        ]
        return Response({"slot": slot, "list_id": ranked.list_id, "ranker": ranked.ranker, "results": results})

    @staticmethod
    def _product(slug: str | None, slot: str) -> Product:
        if not slug:
            raise ValidationError({"product": [f"The {slot} slot needs a product slug."]})
        product = Product.objects.filter(slug=slug, is_active=True).select_related("category").first()
        if product is None:
            raise NotFound("No such product.")
        return product

    @staticmethod
    def _category(slug: str | None) -> Category:
        if not slug:
            raise ValidationError({"category": ["The trending slot needs a category slug."]})
        category = Category.objects.filter(slug=slug).first()
        if category is None:
            raise NotFound("No such category.")
        return category
