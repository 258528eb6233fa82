"""Output serializers shared by several endpoints; each view keeps its own input serializer.

Money is a decimal string ("499.00") in the shop's currency, never a float.
"""

from __future__ import annotations

from django.conf import settings
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from shop.models import Order
from shop.services.cart import MAX_LINE_QUANTITY

LOW_STOCK = 5
# Customers may cancel only what has not been paid for; staff handle the rest (refunds).
CUSTOMER_CANCELLABLE = {Order.Status.PENDING}


def money_field(**kwargs) -> serializers.DecimalField:
    return serializers.DecimalField(max_digits=12, decimal_places=2, **kwargs)


def _absolute(request, url: str) -> str:
    return request.build_absolute_uri(url) if request is not None else url


class CurrencyMixin(serializers.Serializer):
    currency = serializers.SerializerMethodField()

    def get_currency(self, obj) -> str:
        return settings.SHOP_CURRENCY


class BrandRefSerializer(serializers.Serializer):
    slug = serializers.CharField()
    name = serializers.CharField()


class CategoryRefSerializer(serializers.Serializer):
    slug = serializers.CharField()
    name = serializers.CharField()


class ProductSummarySerializer(CurrencyMixin):
    id = serializers.IntegerField()
    slug = serializers.CharField()
    name = serializers.CharField()
    brand = BrandRefSerializer()
    category = CategoryRefSerializer()
    price = money_field()
    compare_at_price = money_field(allow_null=True)
    discount_percent = serializers.IntegerField(allow_null=True)
    in_stock = serializers.BooleanField()
    image = serializers.SerializerMethodField(help_text="Absolute URL of the main image.")
    rating_average = serializers.DecimalField(
        max_digits=3,
        decimal_places=2,
        allow_null=True,
        help_text="Mean of the published reviews' stars (1-5); null when none is published.",
    )
    rating_count = serializers.IntegerField(help_text="How many published reviews the average is of.")

    @extend_schema_field(serializers.URLField(allow_null=True))
    def get_image(self, product) -> str | None:
        image = product.primary_image()
        return _absolute(self.context.get("request"), image.image.url) if image else None


class ProductImageSerializer(serializers.Serializer):
    url = serializers.SerializerMethodField()
    alt_text = serializers.CharField()

    def get_url(self, image) -> str:
        return _absolute(self.context.get("request"), image.image.url)


class ProductDetailSerializer(ProductSummarySerializer):
    sku = serializers.CharField()
    description = serializers.CharField()
    images = ProductImageSerializer(many=True)
    attributes = serializers.DictField(help_text="Colour, size, material...: varies by product.")
    stock_status = serializers.SerializerMethodField()
    max_quantity = serializers.SerializerMethodField(help_text="The most one cart line may hold now.")

    @extend_schema_field(serializers.ChoiceField(choices=["in_stock", "low_stock", "out_of_stock"]))
    def get_stock_status(self, product) -> str:
        if product.stock == 0:
            return "out_of_stock"
        return "low_stock" if product.stock <= LOW_STOCK else "in_stock"

    def get_max_quantity(self, product) -> int:
        return min(product.stock, MAX_LINE_QUANTITY)


class TotalsSerializer(CurrencyMixin):
    subtotal = money_field()
    discount = money_field()
    shipping = money_field()
    total = money_field()
    item_count = serializers.IntegerField()


class CartLineSerializer(serializers.Serializer):
    product = ProductSummarySerializer()
    quantity = serializers.IntegerField()
    unit_price = money_field()
    line_total = money_field()
    available = serializers.BooleanField()
    problem = serializers.CharField(help_text='Why the line cannot be bought as is ("Out of stock"); empty if it can.')
    discount = money_field(help_text="What the cart's vouchers take off this line.")


class CartVoucherSerializer(serializers.Serializer):
    code = serializers.CharField()
    label = serializers.CharField(source="terms.label", help_text='What it gives, e.g. "10% off".')
    kind = serializers.ChoiceField(choices=["percent", "fixed", "free_shipping"], source="terms.kind")
    amount = money_field(help_text="Money it takes off now (free shipping: 0 until a shipping method is chosen).")
    problem = serializers.CharField(help_text="Why it takes nothing off now (the cart changed); empty if it applies.")


class AdvertisedVoucherSerializer(serializers.Serializer):
    code = serializers.CharField()
    kind = serializers.ChoiceField(choices=["percent", "fixed", "free_shipping"])
    label = serializers.CharField(help_text='What it gives, e.g. "10% off".')
    description = serializers.CharField(help_text="The shop's words for it; may be empty.")
    min_spend = money_field(help_text="The cart subtotal it needs, before discounts (0: none).")
    ends_at = serializers.DateTimeField(allow_null=True, help_text="When it stops working; null: no end.")


class CartSerializer(TotalsSerializer):
    """A cart priced by the server: `shipping` is 0 until a method is chosen (see checkout/quote)."""

    lines = CartLineSerializer(many=True)
    has_problems = serializers.BooleanField()
    vouchers = CartVoucherSerializer(many=True, help_text="Voucher codes entered, in the order they apply.")


class OrderSummarySerializer(serializers.Serializer):
    number = serializers.CharField()
    status = serializers.ChoiceField(choices=Order.Status.choices)
    created_at = serializers.DateTimeField()
    item_count = serializers.SerializerMethodField()
    total = money_field()
    currency = serializers.CharField()
    payment_method = serializers.CharField()

    def get_item_count(self, order) -> int:
        return sum(line.quantity for line in order.lines.all())


class OrderLineSerializer(serializers.Serializer):
    product_id = serializers.IntegerField(allow_null=True, help_text="Null once the product was deleted.")
    product_name = serializers.CharField()
    product_sku = serializers.CharField()
    unit_price = money_field()
    quantity = serializers.IntegerField()
    line_total = money_field()


class ShippingAddressSerializer(serializers.Serializer):
    name = serializers.CharField(source="shipping_name")
    line1 = serializers.CharField(source="shipping_line1")
    line2 = serializers.CharField(source="shipping_line2")
    city = serializers.CharField(source="shipping_city")
    postcode = serializers.CharField(source="shipping_postcode")
    country = serializers.CharField(source="shipping_country")
    phone = serializers.CharField(source="shipping_phone")


class StatusChangeSerializer(serializers.Serializer):
    from_status = serializers.CharField()
    to_status = serializers.CharField()
    created_at = serializers.DateTimeField()


class OrderDetailSerializer(OrderSummarySerializer):
    email = serializers.EmailField()
    lines = OrderLineSerializer(many=True)
    shipping_address = ShippingAddressSerializer(source="*")
    shipping_method = serializers.CharField(source="shipping_method_name")
    subtotal = money_field()
    discount_total = money_field()
    shipping_total = money_field()
    status_history = StatusChangeSerializer(many=True, source="status_changes")
    can_cancel = serializers.SerializerMethodField(help_text="Whether POST .../cancel would succeed now.")

    def get_can_cancel(self, order) -> bool:
        return order.status in CUSTOMER_CANCELLABLE


class UserSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    username = serializers.CharField()
    email = serializers.CharField()
    first_name = serializers.CharField()
    last_name = serializers.CharField()
