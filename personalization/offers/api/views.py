"""GET /api/v1/offers: the signed-in shopper's personal offer for the app; fetching it counts as showing it."""

from __future__ import annotations

from drf_spectacular.utils import OpenApiExample, extend_schema
from rest_framework import serializers
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.views import APIView

from personalization.offers.decisions import offer_for_request
from personalization.offers.services import offer_shown_record


class OfferSerializer(serializers.Serializer):
    campaign = serializers.CharField(source="campaign_key")
    title = serializers.CharField()
    code = serializers.CharField(help_text="Apply it with POST /api/v1/cart/vouchers.")
    label = serializers.CharField(help_text='What it gives, e.g. "10% off".')
    min_spend = serializers.DecimalField(max_digits=10, decimal_places=2)
    ends_at = serializers.DateTimeField()


class OfferResponseSerializer(serializers.Serializer):
    offer = OfferSerializer(allow_null=True, help_text="Null when the shopper has no offer (or is not signed in).")


@extend_schema(
    tags=["offers"],
    summary="Your personal offer",
    responses={200: OfferResponseSerializer},
    examples=[
        OpenApiExample(
            "An offer",
            {
                "offer": {
                    "campaign": "spring",
                    "title": "Spring treat",
                    "code": "SPX7K2M9QH4T",
                    "label": "10% off",
                    "min_spend": "30.00",
                    "ends_at": "2026-05-01T00:00:00Z",
                }
            },
            response_only=True,
        ),
        OpenApiExample("No offer", {"offer": None}, response_only=True),
    ],
)
class OfferView(APIView):
    permission_classes = [AllowAny]

    def get(self, request):
        # The DRF request: its user is the token's (the Django request only knows session users).
        offer = offer_for_request(request)
        if offer is not None:
            offer_shown_record(request=request, offer=offer)
        return Response({"offer": OfferSerializer(offer).data if offer else None})
