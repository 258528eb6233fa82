"""The signed-in shopper's orders: place one (idempotently), list, read, cancel. Another user's order is a 404."""

from __future__ import annotations

import re

from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import serializers, status
from rest_framework.exceptions import APIException, NotFound, ValidationError
from rest_framework.generics import ListAPIView
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView

from config.api_errors import error_response
from shop.api import examples
from shop.api.pagination import ShopPagination
from shop.api.serializers import CUSTOMER_CANCELLABLE, OrderDetailSerializer, OrderSummarySerializer
from shop.exceptions import IllegalTransition
from shop.models import Order
from shop.selectors import order_for_user, orders_for_user
from shop.services.cart import cart_get_or_create
from shop.services.orders import ShippingAddress, order_place, order_transition

ORDER_NUMBER_PATTERN = re.compile(r"[A-Za-z0-9]{1,20}")
IDEMPOTENCY_KEY_PATTERN = re.compile(r"[\x21-\x7e]{1,64}")
IDEMPOTENCY_KEY = OpenApiParameter(
    "Idempotency-Key",
    {"type": "string", "minLength": 1, "maxLength": 64, "pattern": r"^[\x21-\x7e]{1,64}$"},
    OpenApiParameter.HEADER,
    required=True,
    description="A fresh random value (a UUID) per checkout attempt, reused when retrying it: a retry with the "
    "same key returns the order already placed instead of placing a second one.",
)
ORDER_NUMBER = OpenApiParameter("number", str, OpenApiParameter.PATH, description="The order number, e.g. 9F3A2C1B.")


class IdempotencyKeyError(APIException):
    status_code = status.HTTP_400_BAD_REQUEST


def idempotency_key(request) -> str:
    key = request.headers.get("Idempotency-Key", "")
    if not key:
        raise IdempotencyKeyError(
            "Send an Idempotency-Key header: a fresh UUID per checkout attempt.", code="idempotency_key_required"
        )
    if not IDEMPOTENCY_KEY_PATTERN.fullmatch(key):
        raise IdempotencyKeyError(
            "The Idempotency-Key must be 1 to 64 printable characters without spaces.", code="idempotency_key_invalid"
        )
    return key


class StatusFilterSerializer(serializers.Serializer):
    status = serializers.ChoiceField(choices=Order.Status.choices, required=False)


def own_order(*, user, number: str) -> Order:
    if not ORDER_NUMBER_PATTERN.fullmatch(number):
        raise NotFound("You have no order with this number.")
    try:
        return order_for_user(user=user, number=number)
    except Order.DoesNotExist:
        raise NotFound("You have no order with this number.") from None


class AddressSerializer(serializers.Serializer):
    name = serializers.CharField(max_length=120)
    line1 = serializers.CharField(max_length=200)
    line2 = serializers.CharField(max_length=200, required=False, allow_blank=True, default="")
    city = serializers.CharField(max_length=120)
    postcode = serializers.CharField(max_length=20)
    country = serializers.RegexField(r"^[A-Za-z]{2}$", default="US", help_text="ISO 3166 two-letter code.")
    phone = serializers.CharField(max_length=40, required=False, allow_blank=True, default="")

    def validate_country(self, value: str) -> str:
        return value.upper()


class OrderPlaceSerializer(serializers.Serializer):
    address = AddressSerializer()
    shipping_method = serializers.CharField(max_length=40, help_text="A code from checkout/options.")
    payment_method = serializers.CharField(max_length=40, help_text="A code from checkout/options.")
    email = serializers.EmailField(max_length=254, required=False, help_text="Defaults to the account's e-mail.")
    card_number = serializers.CharField(
        max_length=32, required=False, allow_blank=True, default="", help_text="Only for methods that need a card."
    )
    expected_total = serializers.DecimalField(
        max_digits=12,
        decimal_places=2,
        required=False,
        allow_null=True,
        help_text="The total the shopper confirmed; the order is refused (`stale_cart`) if the server's differs.",
    )

    def validate(self, data):
        data["email"] = data.get("email") or self.context["user"].email
        if not data["email"]:
            raise ValidationError({"email": ["Your account has no e-mail address; send one."]})
        return data


@extend_schema_view(
    get=extend_schema(
        tags=["orders"],
        summary="Your orders",
        parameters=[
            OpenApiParameter("status", str, enum=Order.Status.values, required=False, description="Only this status.")
        ],
        responses={200: OrderSummarySerializer(many=True), 400: error_response("Unknown status.")},
        examples=[examples.response("An order", examples.ORDER_SUMMARY)],
    )
)
class OrderListView(ListAPIView):
    permission_classes = [IsAuthenticated]
    serializer_class = OrderSummarySerializer
    pagination_class = ShopPagination

    def get_queryset(self):
        params = StatusFilterSerializer(data=self.request.query_params)
        params.is_valid(raise_exception=True)
        orders = orders_for_user(user=self.request.user)
        if "status" in params.validated_data:
            orders = orders.filter(status=params.validated_data["status"])
        return orders

    @extend_schema(
        tags=["orders"],
        summary="Place an order",
        description="Turns the cart into an order and empties the cart. 201 for a new order, 200 when the "
        "Idempotency-Key was already used by you (the same order again). Errors: `empty_cart`, "
        "`insufficient_stock`, `product_unavailable`, `stale_cart`, `invalid_shipping_method`, "
        "`invalid_payment_method`, `payment_failed`; 409 `idempotency_conflict` when another account used the key.",
        parameters=[IDEMPOTENCY_KEY],
        request=OrderPlaceSerializer,
        responses={
            201: OrderDetailSerializer,
            200: OrderDetailSerializer,
            409: error_response("The Idempotency-Key belongs to another account's checkout."),
        },
        examples=[
            examples.request(
                "Cash on delivery",
                {
                    "address": examples.ADDRESS,
                    "shipping_method": "standard",
                    "payment_method": "cod",
                    "expected_total": "998.00",
                },
            ),
            examples.response("Placed", examples.ORDER_DETAIL, status_code=201),
            examples.response("Replayed", examples.ORDER_DETAIL, status_code=200),
            examples.error(
                "No key",
                "idempotency_key_required",
                "Send an Idempotency-Key header: a fresh UUID per checkout attempt.",
                status_code=400,
            ),
            examples.error(
                "Stale", "stale_cart", "Prices or stock changed since you reviewed your order.", status_code=400
            ),
            examples.error(
                "Someone else's key",
                "idempotency_conflict",
                "This checkout was already submitted by another customer.",
                status_code=409,
            ),
        ],
    )
    def post(self, request):
        key = idempotency_key(request)
        data = OrderPlaceSerializer(data=request.data, context={"user": request.user})
        data.is_valid(raise_exception=True)
        values = data.validated_data
        replay = Order.objects.filter(idempotency_key=key).exists()
        order = order_place(
            cart=cart_get_or_create(user=request.user, session_key=None),
            user=request.user,
            email=values["email"],
            address=ShippingAddress(**values["address"]),
            shipping_method_code=values["shipping_method"],
            payment_method=values["payment_method"],
            idempotency_key=key,
            expected_total=values.get("expected_total"),
            card_number=values["card_number"],
            visitor_id=str(getattr(request, "visitor_id", "") or "")[:64],
        )
        order = order_for_user(user=request.user, number=order.number)
        return Response(
            OrderDetailSerializer(order).data, status=status.HTTP_200_OK if replay else status.HTTP_201_CREATED
        )


@extend_schema(
    tags=["orders"],
    summary="One of your orders",
    parameters=[ORDER_NUMBER],
    responses={200: OrderDetailSerializer},
    examples=[examples.response("An order", examples.ORDER_DETAIL)],
)
class OrderDetailView(APIView):
    permission_classes = [IsAuthenticated]

    def get(self, request, number: str):
        return Response(OrderDetailSerializer(own_order(user=request.user, number=number)).data)


@extend_schema(
    tags=["orders"],
    summary="Cancel one of your orders",
    description="Only orders not yet paid (`pending`) can be cancelled here; the stock goes back on sale. "
    "Otherwise 409 `illegal_transition`.",
    parameters=[ORDER_NUMBER],
    request=None,
    responses={
        200: OrderDetailSerializer,
        409: error_response("The order can no longer be cancelled by you."),
    },
    examples=[
        examples.response("Cancelled", {**examples.ORDER_DETAIL, "status": "cancelled", "can_cancel": False}),
        examples.error(
            "Already paid", "illegal_transition", "Only orders not yet paid can be cancelled.", status_code=409
        ),
    ],
)
class OrderCancelView(APIView):
    permission_classes = [IsAuthenticated]

    def post(self, request, number: str):
        order = own_order(user=request.user, number=number)
        if order.status not in CUSTOMER_CANCELLABLE:
            raise IllegalTransition("Only orders not yet paid can be cancelled; contact us about this one.")
        order_transition(
            order=order,
            to_status=Order.Status.CANCELLED,
            by=request.user,
            note="Cancelled by the customer",
            only_from=CUSTOMER_CANCELLABLE,
        )
        return Response(OrderDetailSerializer(own_order(user=request.user, number=number)).data)
