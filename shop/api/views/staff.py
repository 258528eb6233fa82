"""Order handling for staff: every order, and moving an order through its lifecycle.

The same rules as the admin: a staff account reads orders with the view (or change) permission
on orders and moves them along with the change permission; a superuser has both.
"""

from __future__ import annotations

from django.contrib.auth import get_permission_codename
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import serializers
from rest_framework.exceptions import NotFound
from rest_framework.generics import ListAPIView
from rest_framework.permissions import SAFE_METHODS, BasePermission
from rest_framework.response import Response
from rest_framework.views import APIView

from config.api_errors import error_response
from shop.api import examples
from shop.api.pagination import ShopPagination
from shop.api.serializers import OrderDetailSerializer, OrderSummarySerializer
from shop.api.views.orders import ORDER_NUMBER, ORDER_NUMBER_PATTERN, StatusFilterSerializer
from shop.models import Order
from shop.services.orders import order_transition


def _order_perm(action: str) -> str:
    return f"{Order._meta.app_label}.{get_permission_codename(action, Order._meta)}"


class OrderAdminPermission(BasePermission):
    """What the admin's order pages ask of a user: active staff, with view or change to read, change to write."""

    def has_permission(self, request, view) -> bool:
        user = request.user
        if not (user and user.is_authenticated and user.is_active and user.is_staff):
            return False
        if request.method in SAFE_METHODS:
            return user.has_perm(_order_perm("view")) or user.has_perm(_order_perm("change"))
        return user.has_perm(_order_perm("change"))


class StaffOrderSummarySerializer(OrderSummarySerializer):
    email = serializers.CharField()
    customer = serializers.CharField(source="user.username", allow_null=True, help_text="Null for guest orders.")


class StaffOrderDetailSerializer(OrderDetailSerializer):
    customer = serializers.CharField(source="user.username", allow_null=True, help_text="Null for guest orders.")


def staff_order(number: str) -> Order:
    order = None
    if ORDER_NUMBER_PATTERN.fullmatch(number):
        order = (
            Order.objects.select_related("user")
            .prefetch_related("lines", "status_changes")
            .filter(number=number)
            .first()
        )
    if order is None:
        raise NotFound("No order has this number.")
    return order


@extend_schema_view(
    get=extend_schema(
        tags=["staff"],
        summary="All orders",
        parameters=[
            OpenApiParameter("status", str, enum=Order.Status.values, required=False, description="Only this status.")
        ],
        responses={200: StaffOrderSummarySerializer(many=True), 400: error_response("Unknown status.")},
        examples=[
            examples.response("An order", {**examples.ORDER_SUMMARY, "email": "alice@example.com", "customer": "alice"})
        ],
    )
)
class StaffOrderListView(ListAPIView):
    permission_classes = [OrderAdminPermission]
    serializer_class = StaffOrderSummarySerializer
    pagination_class = ShopPagination

    def get_queryset(self):
        params = StatusFilterSerializer(data=self.request.query_params)
        params.is_valid(raise_exception=True)
        orders = Order.objects.select_related("user").prefetch_related("lines").order_by("-created_at", "-pk")
        if "status" in params.validated_data:
            orders = orders.filter(status=params.validated_data["status"])
        return orders


@extend_schema(
    tags=["staff"],
    summary="Any order",
    parameters=[ORDER_NUMBER],
    responses={200: StaffOrderDetailSerializer},
    examples=[examples.response("An order", {**examples.ORDER_DETAIL, "customer": "alice"})],
)
class StaffOrderDetailView(APIView):
    permission_classes = [OrderAdminPermission]

    def get(self, request, number: str):
        return Response(StaffOrderDetailSerializer(staff_order(number)).data)


class OrderTransitionSerializer(serializers.Serializer):
    status = serializers.ChoiceField(choices=Order.Status.choices)
    note = serializers.CharField(max_length=200, required=False, allow_blank=True, default="")


@extend_schema(
    tags=["staff"],
    summary="Change an order's status",
    description="pending -> paid | cancelled; paid -> shipped | cancelled | refunded; shipped -> delivered | "
    "refunded; delivered -> refunded. Cancelling or refunding puts the stock back. Any other change is "
    "409 `illegal_transition`.",
    parameters=[ORDER_NUMBER],
    request=OrderTransitionSerializer,
    responses={
        200: StaffOrderDetailSerializer,
        409: error_response("This status change is not allowed from the order's current status."),
    },
    examples=[
        examples.request("Ship it", {"status": "shipped", "note": "DHL 00340434"}),
        examples.response("Shipped", {**examples.ORDER_DETAIL, "status": "shipped", "customer": "alice"}),
        examples.error(
            "Not allowed", "illegal_transition", "An order that is delivered cannot become paid.", status_code=409
        ),
    ],
)
class StaffOrderTransitionView(APIView):
    permission_classes = [OrderAdminPermission]

    def post(self, request, number: str):
        order = staff_order(number)
        data = OrderTransitionSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        order_transition(
            order=order, to_status=data.validated_data["status"], by=request.user, note=data.validated_data["note"]
        )
        return Response(StaffOrderDetailSerializer(staff_order(number)).data)
