"""/api/v1/ads: the sponsored products of one slot for the mobile app, the same auction as the site.

Asking is showing: the app asks when it is about to display the slot, and every returned ad is
logged as an impression (and counts towards the visitor's frequency cap). The app opens
`click_url` (it redirects to the product page) when the shopper taps the ad, with the same
X-Visitor-Id header; only then is the advertiser charged, once per ad, and only for the visitor
the ad was shown to.
"""

from __future__ import annotations

from django.conf import settings
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiExample, OpenApiParameter, extend_schema
from rest_framework import serializers
from rest_framework.response import Response
from rest_framework.views import APIView

from config.api_errors import error_response
from personalization.ads.models import Slot
from personalization.ads.slots import ad_slot_for_request
from shop.api.serializers import ProductSummarySerializer
from shop.models import Category, Product

VISITOR_HEADER = OpenApiParameter(
    "X-Visitor-Id",
    OpenApiTypes.STR,
    OpenApiParameter.HEADER,
    description="The app's install UUID (or a visitor id this server signed); frequency caps count per visitor.",
)


class AdSlotQuerySerializer(serializers.Serializer):
    slot = serializers.ChoiceField(choices=Slot.choices, help_text="Where the ads will be shown.")
    q = serializers.CharField(
        required=False, allow_blank=True, max_length=200, help_text="search_top: the shopper's search words."
    )
    category = serializers.SlugField(required=False, max_length=140, help_text="category_top: the category's slug.")
    product = serializers.SlugField(required=False, max_length=220, help_text="product_page: the viewed product.")
    limit = serializers.IntegerField(
        required=False, min_value=1, max_value=10, help_text="At most this many ads (the shop's own cap applies)."
    )

    def validate(self, data):
        slot = data["slot"]
        needs = {Slot.SEARCH_TOP: "q", Slot.CATEGORY_TOP: "category", Slot.PRODUCT_PAGE: "product"}[slot]
        if not data.get(needs):
            raise serializers.ValidationError({needs: [f"Required for the {slot} slot."]})
        if slot == Slot.CATEGORY_TOP:
            data["category_obj"] = Category.objects.filter(slug=data["category"]).only("pk").first()
            if data["category_obj"] is None:
                raise serializers.ValidationError({"category": ["No category has this slug."]})
        if slot == Slot.PRODUCT_PAGE:
            data["product_obj"] = (
                Product.objects.filter(slug=data["product"], is_active=True).only("pk", "category_id").first()
            )
            if data["product_obj"] is None:
                raise serializers.ValidationError({"product": ["No product has this slug."]})
        return data


class SponsoredProductSerializer(serializers.Serializer):
    position = serializers.IntegerField(help_text="1-based, within the slot.")
    label = serializers.CharField(help_text='Always "Sponsored": show it with the ad.')
    impression_id = serializers.CharField(help_text="Identifies this showing of the ad.")
    click_url = serializers.SerializerMethodField(
        help_text="Open this when the ad is tapped, with the same X-Visitor-Id header; it redirects to the product."
    )
    product = ProductSummarySerializer()

    def get_click_url(self, ad) -> str:
        request = self.context.get("request")
        return request.build_absolute_uri(ad.click_url) if request is not None else ad.click_url


class AdSlotSerializer(serializers.Serializer):
    slot = serializers.CharField()
    ads = SponsoredProductSerializer(many=True)


class AdSlotView(APIView):
    @extend_schema(
        operation_id="ads_slot",
        summary="Sponsored products for a slot",
        description="Every returned ad is logged as shown. An empty `ads` list is a normal answer: no "
        "campaign is relevant, budgets are spent, or the visitor has seen enough of them today.",
        parameters=[AdSlotQuerySerializer, VISITOR_HEADER],
        responses={
            200: AdSlotSerializer,
            400: error_response("Unknown slot, or the slot's q / category / product missing."),
        },
        examples=[
            OpenApiExample(
                "One ad",
                response_only=True,
                value={
                    "slot": "search_top",
                    "ads": [
                        {
                            "position": 1,
                            "label": "Sponsored",
                            "impression_id": "8f14e45fceea467a9d6f1c1f4b1a3c2e",
                            "click_url": "https://shop.example.com/ads/click/eyJpIjoi...:1tX:abc/",
                            "product": {
                                "id": 42,
                                "slug": "lumix-g9",
                                "name": "Lumix G9",
                                "brand": {"slug": "lumix", "name": "Lumix"},
                                "category": {"slug": "cameras", "name": "Cameras"},
                                "price": "499.00",
                                "compare_at_price": None,
                                "discount_percent": None,
                                "in_stock": True,
                                "image": None,
                                "currency": "USD",
                            },
                        }
                    ],
                },
            )
        ],
    )
    def get(self, request):
        params = AdSlotQuerySerializer(data=request.query_params)
        params.is_valid(raise_exception=True)
        data = params.validated_data
        viewed = data.get("product_obj")
        category = data.get("category_obj")
        # The DRF request: its user is the token's, and it reaches the tracking state of the Django request.
        result = ad_slot_for_request(
            request,
            slot=data["slot"],
            query=data.get("q", ""),
            category_id=category.pk if category else (viewed.category_id if viewed else None),
            product_id=viewed.pk if viewed else None,
            limit=min(data.get("limit", settings.ADS_MAX_PER_SLOT), settings.ADS_MAX_PER_SLOT),
        )
        return Response(
            AdSlotSerializer({"slot": data["slot"], "ads": list(result.ads)}, context={"request": request}).data
        )
