from django.contrib import admin, messages
from django.db.models import Sum
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from modeltranslation.admin import TranslationAdmin

from shop.cache_versions import catalog_changed_in_transaction
from shop.exceptions import IllegalTransition
from shop.forms import AdminSignInForm
from shop.models import (
    Brand,
    Cart,
    CartLine,
    Category,
    Order,
    OrderLine,
    OrderStatusChange,
    Payment,
    Product,
    ProductImage,
    ShippingMethod,
)
from shop.services.orders import order_transition

admin.site.login_form = AdminSignInForm

# Catalogue texts are edited in every language side by side (TranslationAdmin, not the tabbed variant:
# its tabs load jQuery UI from a CDN, which the Content-Security-Policy refuses).


@admin.register(Category)
class CategoryAdmin(TranslationAdmin):
    list_display = ["name", "parent", "slug", "position"]
    list_filter = ["parent"]
    search_fields = ["name", "slug"]
    prepopulated_fields = {"slug": ["name"]}


@admin.register(Brand)
class BrandAdmin(TranslationAdmin):
    list_display = ["name", "slug"]
    search_fields = ["name"]
    prepopulated_fields = {"slug": ["name"]}


class ProductImageInline(admin.TabularInline):
    model = ProductImage
    extra = 0


@admin.register(Product)
class ProductAdmin(TranslationAdmin):
    list_display = [
        "thumbnail",
        "name",
        "sku",
        "brand",
        "category",
        "price",
        "compare_at_price",
        "stock",
        "is_active",
        "created_at",
    ]
    list_display_links = ["thumbnail", "name"]
    list_filter = ["is_active", "category", "brand"]
    list_editable = ["price", "stock", "is_active"]
    search_fields = ["name", "sku", "description", "brand__name"]
    prepopulated_fields = {"slug": ["name"]}
    list_select_related = ["brand", "category"]
    inlines = [ProductImageInline]
    readonly_fields = ["created_at", "updated_at"]
    actions = ["deactivate", "activate"]

    class Media:
        # The thumbnail's crop: the Content-Security-Policy allows no inline style attribute.
        css = {"all": ["css/admin.css"]}

    def get_queryset(self, request):
        return super().get_queryset(request).prefetch_related("images")

    @admin.display(description="")
    def thumbnail(self, product):
        image = product.primary_image()
        if image is None:
            return ""
        return format_html('<img class="product-thumbnail" src="{}" alt="" width="40" height="40">', image.image.url)

    @admin.action(description=_("Deactivate selected products"))
    def deactivate(self, request, queryset):
        count = queryset.update(is_active=False)
        catalog_changed_in_transaction()  # an update sends no signal
        self.message_user(request, f"{count} products deactivated.")

    @admin.action(description=_("Activate selected products"))
    def activate(self, request, queryset):
        count = queryset.update(is_active=True)
        catalog_changed_in_transaction()  # an update sends no signal
        self.message_user(request, f"{count} products activated.")


class CartLineInline(admin.TabularInline):
    model = CartLine
    extra = 0
    raw_id_fields = ["product"]


@admin.register(Cart)
class CartAdmin(admin.ModelAdmin):
    list_display = ["id", "user", "session_key", "item_count", "updated_at"]
    search_fields = ["user__username", "user__email", "session_key"]
    inlines = [CartLineInline]
    raw_id_fields = ["user"]

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("user").annotate(items=Sum("lines__quantity"))

    @admin.display(description=_("Items"), ordering="items")
    def item_count(self, cart):
        return cart.items or 0


@admin.register(ShippingMethod)
class ShippingMethodAdmin(TranslationAdmin):
    list_display = ["name", "code", "price", "free_above", "delivery_days", "is_active", "position"]
    list_editable = ["is_active", "position"]


class OrderLineInline(admin.TabularInline):
    model = OrderLine
    extra = 0
    can_delete = False
    readonly_fields = ["product", "product_name", "product_sku", "unit_price", "quantity", "line_total"]

    def has_add_permission(self, request, obj=None):
        return False


class PaymentInline(admin.TabularInline):
    model = Payment
    extra = 0
    can_delete = False
    readonly_fields = ["provider", "amount", "status", "reference", "created_at"]

    def has_add_permission(self, request, obj=None):
        return False


class OrderStatusChangeInline(admin.TabularInline):
    model = OrderStatusChange
    extra = 0
    can_delete = False
    readonly_fields = ["from_status", "to_status", "changed_by", "note", "created_at"]

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Order)
class OrderAdmin(admin.ModelAdmin):
    list_display = [
        "number",
        "created_at",
        "email",
        "user",
        "status",
        "total",
        "payment_method",
        "shipping_method_name",
    ]
    list_filter = ["status", "payment_method", "shipping_method_name", "created_at"]
    search_fields = ["number", "email", "user__username", "shipping_name", "lines__product_name"]
    date_hierarchy = "created_at"
    list_select_related = ["user"]
    inlines = [OrderLineInline, PaymentInline, OrderStatusChangeInline]
    # Status only changes through the lifecycle actions, so restocking and history are never skipped.
    readonly_fields = [
        "number",
        "user",
        "status",
        "idempotency_key",
        "visitor_id",
        "subtotal",
        "discount_total",
        "shipping_total",
        "total",
        "currency",
        "payment_method",
        "shipping_method",
        "shipping_method_name",
        "created_at",
        "updated_at",
    ]
    actions = ["mark_paid", "mark_shipped", "mark_delivered", "cancel_and_restock", "refund_and_restock"]

    def _transition(self, request, queryset, to_status, verb):
        done, refused = 0, []
        for order in queryset:
            try:
                order_transition(order=order, to_status=to_status, by=request.user, note=f"Admin: {verb}")
                done += 1
            except IllegalTransition as error:
                refused.append(f"{order.number}: {error.message}")
        if done:
            self.message_user(request, f"{done} orders {verb}.", messages.SUCCESS)
        for message in refused:
            self.message_user(request, message, messages.ERROR)

    @admin.action(description=_("Mark selected orders paid"))
    def mark_paid(self, request, queryset):
        self._transition(request, queryset, Order.Status.PAID, "marked paid")

    @admin.action(description=_("Mark selected orders shipped"))
    def mark_shipped(self, request, queryset):
        self._transition(request, queryset, Order.Status.SHIPPED, "marked shipped")

    @admin.action(description=_("Mark selected orders delivered"))
    def mark_delivered(self, request, queryset):
        self._transition(request, queryset, Order.Status.DELIVERED, "marked delivered")

    @admin.action(description=_("Cancel selected orders (restock)"))
    def cancel_and_restock(self, request, queryset):
        self._transition(request, queryset, Order.Status.CANCELLED, "cancelled")

    @admin.action(description=_("Refund selected orders (restock)"))
    def refund_and_restock(self, request, queryset):
        self._transition(request, queryset, Order.Status.REFUNDED, "refunded")
