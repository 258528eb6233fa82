"""Checkout for the signed-in shopper: what can be chosen, what it will cost. Placing the order is in orders.py."""

from __future__ import annotations

from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView

from shop.api import examples
from shop.api.serializers import CurrencyMixin, TotalsSerializer, money_field
from shop.exceptions import InvalidShippingMethod
from shop.models import Cart, ShippingMethod
from shop.payments import available_providers
from shop.pricing import compute_totals
from shop.selectors import cart_lines
from shop.vouchers.selectors import cart_voucher_terms


class ShippingOptionSerializer(serializers.Serializer):
    code = serializers.CharField()
    name = serializers.CharField()
    price = money_field(help_text="For the current cart: 0 once the subtotal reaches `free_above`.")
    free_above = money_field(allow_null=True)
    delivery_days = serializers.CharField()


class PaymentOptionSerializer(serializers.Serializer):
    code = serializers.CharField()
    name = serializers.CharField()
    description = serializers.CharField()
    needs_card = serializers.BooleanField(help_text="Send `card_number` when placing the order.")


class CheckoutOptionsSerializer(CurrencyMixin):
    subtotal = money_field()
    shipping_methods = ShippingOptionSerializer(many=True)
    payment_methods = PaymentOptionSerializer(many=True)


@extend_schema(
    tags=["checkout"],
    summary="Shipping and payment methods",
    responses={200: CheckoutOptionsSerializer},
    examples=[
        examples.response(
            "Options",
            {
                "subtotal": "998.00",
                "currency": "USD",
                "shipping_methods": [
                    {
                        "code": "standard",
                        "name": "Standard delivery",
                        "price": "0.00",
                        "free_above": "75.00",
                        "delivery_days": "3-5 business days",
                    }
                ],
                "payment_methods": [
                    {"code": "cod", "name": "Cash on delivery", "description": "Pay the courier.", "needs_card": False}
                ],
            },
        )
    ],
)
class CheckoutOptionsView(APIView):
    permission_classes = [IsAuthenticated]

    def get(self, request):
        totals = compute_totals(cart_lines(cart=Cart.objects.filter(user=request.user).first()))
        shipping_methods = [
            {
                "code": method.code,
                "name": method.name,
                "price": method.price_for(totals.subtotal),
                "free_above": method.free_above,
                "delivery_days": method.delivery_days,
            }
            for method in ShippingMethod.objects.filter(is_active=True)
        ]
        options = {
            "subtotal": totals.subtotal,
            "shipping_methods": shipping_methods,
            "payment_methods": available_providers(),
        }
        return Response(CheckoutOptionsSerializer(options).data)


class QuoteSerializer(serializers.Serializer):
    shipping_method = serializers.CharField(max_length=40, help_text="A code from checkout/options.")


class QuoteResultSerializer(TotalsSerializer):
    shipping_method = serializers.CharField()
    has_problems = serializers.BooleanField(help_text="Some line cannot be bought as is; see the cart.")


@extend_schema(
    tags=["checkout"],
    summary="Totals for a shipping method",
    description="The totals the order would have now; send `total` back as `expected_total` when placing it.",
    request=QuoteSerializer,
    responses={200: QuoteResultSerializer},
    examples=[
        examples.request("Express", {"shipping_method": "express"}),
        examples.response(
            "Totals",
            {
                **examples.TOTALS,
                "shipping": "12.95",
                "total": "1010.95",
                "currency": "USD",
                "shipping_method": "express",
                "has_problems": False,
            },
        ),
        examples.error(
            "Unknown method", "invalid_shipping_method", InvalidShippingMethod.default_message, status_code=400
        ),
    ],
)
class CheckoutQuoteView(APIView):
    permission_classes = [IsAuthenticated]

    def post(self, request):
        data = QuoteSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        method = ShippingMethod.objects.filter(code=data.validated_data["shipping_method"], is_active=True).first()
        if method is None:
            raise InvalidShippingMethod()
        cart = Cart.objects.filter(user=request.user).first()
        totals = compute_totals(cart_lines(cart=cart), shipping_method=method, vouchers=cart_voucher_terms(cart=cart))
        result = {**vars(totals), "shipping_method": method.code, "has_problems": totals.has_problems}
        return Response(QuoteResultSerializer(result).data)
