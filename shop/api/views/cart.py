"""The signed-in shopper's cart. The app signs in first (token); the site's pages keep their session cart.

Every write answers with the whole cart, priced by the server, so the app never adds up money itself.
"""

from __future__ import annotations

from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers, status
from rest_framework.exceptions import NotFound
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView

from shop.api import examples
from shop.api.serializers import AdvertisedVoucherSerializer, CartSerializer
from shop.models import Cart, CartLine
from shop.pricing import compute_totals
from shop.selectors import cart_lines
from shop.services.cart import MAX_LINE_QUANTITY, cart_add, cart_get_or_create, cart_remove, cart_set_quantity
from shop.vouchers.exceptions import VoucherNotFound, VoucherUsedUp
from shop.vouchers.selectors import advertised_vouchers, cart_voucher_terms
from shop.vouchers.services import voucher_apply, voucher_remove, vouchers_clear

MAX_ID = 2**63 - 1
PRODUCT_ID = OpenApiParameter("product_id", int, OpenApiParameter.PATH, description="The product of the line.")


def cart_response(*, cart: Cart | None, request, status_code: int = status.HTTP_200_OK) -> Response:
    totals = compute_totals(cart_lines(cart=cart), vouchers=cart_voucher_terms(cart=cart))
    return Response(CartSerializer(totals, context={"request": request}).data, status=status_code)


def cart_line_product_id(*, cart: Cart | None, product_id: str) -> int:
    """The product id of an existing line of the cart; anything else is a 404."""
    if not product_id.isdecimal() or not 0 < int(product_id) <= MAX_ID:
        raise NotFound("This product is not in your cart.")
    if cart is None or not CartLine.objects.filter(cart=cart, product_id=int(product_id)).exists():
        raise NotFound("This product is not in your cart.")
    return int(product_id)


@extend_schema(
    tags=["cart"],
    summary="The cart",
    responses={200: CartSerializer},
    examples=[examples.response("A cart", examples.CART)],
)
class CartView(APIView):
    permission_classes = [IsAuthenticated]

    def get(self, request):
        return cart_response(cart=Cart.objects.filter(user=request.user).first(), request=request)


class CartLineAddSerializer(serializers.Serializer):
    product_id = serializers.IntegerField(min_value=1, max_value=MAX_ID)
    quantity = serializers.IntegerField(min_value=1, max_value=MAX_LINE_QUANTITY, default=1)


@extend_schema(
    tags=["cart"],
    summary="Add a product",
    description="Adds to the line of the product if there is one. Errors: `product_unavailable`, "
    "`insufficient_stock`, `invalid_quantity`.",
    request=CartLineAddSerializer,
    responses={201: CartSerializer},
    examples=[
        examples.request("Two cameras", {"product_id": 42, "quantity": 2}),
        examples.response("The cart after", examples.CART, status_code=201),
        examples.error(
            "Out of stock", "insufficient_stock", "Only 1 of Lumix G9 camera left in stock.", status_code=400
        ),
    ],
)
class CartLineAddView(APIView):
    permission_classes = [IsAuthenticated]

    def post(self, request):
        data = CartLineAddSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        cart = cart_get_or_create(user=request.user, session_key=None)
        cart_add(cart=cart, product_id=data.validated_data["product_id"], quantity=data.validated_data["quantity"])
        return cart_response(cart=cart, request=request, status_code=status.HTTP_201_CREATED)


class CartLineUpdateSerializer(serializers.Serializer):
    quantity = serializers.IntegerField(min_value=0, max_value=MAX_LINE_QUANTITY, help_text="0 removes the line.")


class CartLineView(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(
        tags=["cart"],
        summary="Change a line's quantity",
        parameters=[PRODUCT_ID],
        request=CartLineUpdateSerializer,
        responses={200: CartSerializer},
        examples=[
            examples.request("Three", {"quantity": 3}),
            examples.response("The cart after", examples.CART),
        ],
    )
    def patch(self, request, product_id: str):
        data = CartLineUpdateSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        cart = Cart.objects.filter(user=request.user).first()
        product_pk = cart_line_product_id(cart=cart, product_id=product_id)
        cart_set_quantity(cart=cart, product_id=product_pk, quantity=data.validated_data["quantity"])
        return cart_response(cart=cart, request=request)

    @extend_schema(
        tags=["cart"],
        summary="Remove a line",
        parameters=[PRODUCT_ID],
        responses={200: CartSerializer},
        examples=[
            examples.response(
                "The cart after", {**examples.CART, "lines": [], "subtotal": "0.00", "total": "0.00", "item_count": 0}
            )
        ],
    )
    def delete(self, request, product_id: str):
        cart = Cart.objects.filter(user=request.user).first()
        product_pk = cart_line_product_id(cart=cart, product_id=product_id)
        cart_remove(cart=cart, product_id=product_pk)
        return cart_response(cart=cart, request=request)


class VoucherApplySerializer(serializers.Serializer):
    code = serializers.CharField(max_length=40, help_text="Any case; spaces are ignored.")


VOUCHER_CODE = OpenApiParameter("code", str, OpenApiParameter.PATH, description="A code entered in the cart.")


@extend_schema(
    tags=["cart"],
    summary="Enter a voucher code",
    description="The server checks the code against the cart and prices it line by line. Errors (the cart is "
    "unchanged): `voucher_not_found`, `voucher_not_yet_valid`, `voucher_expired`, `voucher_minimum_spend`, "
    "`voucher_already_used`, `voucher_not_yours`, `voucher_used_up`, `voucher_not_applicable`, "
    "`voucher_cannot_combine`. Placing the order checks the code again; if it stopped holding, the order is "
    "refused with the same codes.",
    request=VoucherApplySerializer,
    responses={201: CartSerializer},
    examples=[
        examples.request("A code", {"code": "spring10"}),
        examples.response("The cart after", examples.CART_WITH_VOUCHER, status_code=201),
        examples.error("Used up", "voucher_used_up", VoucherUsedUp.default_message, status_code=400),
    ],
)
class CartVoucherView(APIView):
    permission_classes = [IsAuthenticated]

    def post(self, request):
        data = VoucherApplySerializer(data=request.data)
        data.is_valid(raise_exception=True)
        cart = cart_get_or_create(user=request.user, session_key=None)
        voucher_apply(cart=cart, code=data.validated_data["code"], user=request.user)
        return cart_response(cart=cart, request=request, status_code=status.HTTP_201_CREATED)

    @extend_schema(
        tags=["cart"],
        summary="Remove every voucher",
        operation_id="cart_vouchers_clear",
        request=None,
        responses={200: CartSerializer},
        examples=[examples.response("The cart after", examples.CART)],
    )
    def delete(self, request):
        cart = Cart.objects.filter(user=request.user).first()
        if cart is not None:
            vouchers_clear(cart=cart)
        return cart_response(cart=cart, request=request)


class CartVoucherDetailView(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(
        tags=["cart"],
        summary="Remove a voucher",
        operation_id="cart_voucher_remove",
        parameters=[VOUCHER_CODE],
        responses={200: CartSerializer},
        examples=[
            examples.response("The cart after", examples.CART),
            examples.error("Not in the cart", "not_found", "This voucher is not in your cart.", status_code=404),
        ],
    )
    def delete(self, request, code: str):
        cart = Cart.objects.filter(user=request.user).first()
        if cart is None:
            raise NotFound("This voucher is not in your cart.")
        try:
            voucher_remove(cart=cart, code=code)
        except VoucherNotFound as error:
            raise NotFound(error.message) from None
        return cart_response(cart=cart, request=request)


@extend_schema(
    tags=["cart"],
    summary="Codes for everyone",
    description="The voucher codes the shop advertises to every shopper (the home page and cart list them too).",
    responses={200: AdvertisedVoucherSerializer(many=True)},
    examples=[
        examples.response(
            "Two codes",
            [
                {
                    "code": "WELCOME10",
                    "kind": "percent",
                    "label": "10% off",
                    "description": "10% off your first order",
                    "min_spend": "0.00",
                    "ends_at": None,
                },
                {
                    "code": "FREESHIP",
                    "kind": "free_shipping",
                    "label": "Free shipping",
                    "description": "Free shipping",
                    "min_spend": "50.00",
                    "ends_at": "2026-12-31T23:00:00Z",
                },
            ],
        )
    ],
)
class AdvertisedVoucherListView(APIView):
    def get(self, request):
        return Response(AdvertisedVoucherSerializer(advertised_vouchers(), many=True).data)
