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
from shop.api.serializers import CartSerializer
from shop.models import Cart, CartLine
from shop.pricing import compute_totals
from shop.selectors import cart_lines
from shop.services.cart import MAX_LINE_QUANTITY, cart_add, cart_get_or_create, cart_remove, cart_set_quantity

MAX_ID = 2**63 - 1
PRODUCT_ID = OpenApiParameter("product_id", int, OpenApiParameter.PATH, description="The product of the line.")


def cart_response(*, cart: Cart | None, request, status_code: int = status.HTTP_200_OK) -> Response:
    totals = compute_totals(cart_lines(cart=cart))
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
