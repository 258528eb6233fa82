"""Shop endpoints of /api/v1/: catalog, cart, checkout, orders, account, staff."""

from django.urls import path

from shop.api.views import accounts, cart, catalog, checkout, orders, search, staff

urlpatterns = [
    path("products", catalog.ProductListView.as_view(), name="api-product-list"),
    path("products/<str:slug>", catalog.ProductDetailView.as_view(), name="api-product-detail"),
    path("categories", catalog.CategoryTreeView.as_view(), name="api-category-tree"),
    path("brands", catalog.BrandListView.as_view(), name="api-brand-list"),
    path("search/suggest", search.SearchSuggestView.as_view(), name="api-search-suggest"),
    path("cart", cart.CartView.as_view(), name="api-cart"),
    path("cart/lines", cart.CartLineAddView.as_view(), name="api-cart-line-add"),
    path("cart/lines/<str:product_id>", cart.CartLineView.as_view(), name="api-cart-line"),
    path("cart/vouchers", cart.CartVoucherView.as_view(), name="api-cart-vouchers"),
    path("cart/vouchers/<str:code>", cart.CartVoucherDetailView.as_view(), name="api-cart-voucher"),
    path("vouchers/advertised", cart.AdvertisedVoucherListView.as_view(), name="api-vouchers-advertised"),
    path("checkout/options", checkout.CheckoutOptionsView.as_view(), name="api-checkout-options"),
    path("checkout/quote", checkout.CheckoutQuoteView.as_view(), name="api-checkout-quote"),
    path("orders", orders.OrderListView.as_view(), name="api-order-list"),
    path("orders/<str:number>", orders.OrderDetailView.as_view(), name="api-order-detail"),
    path("orders/<str:number>/cancel", orders.OrderCancelView.as_view(), name="api-order-cancel"),
    path("auth/register", accounts.RegisterView.as_view(), name="api-register"),
    path("auth/token", accounts.TokenView.as_view(), name="api-token"),
    path("me", accounts.MeView.as_view(), name="api-me"),
    path("me/password", accounts.PasswordChangeView.as_view(), name="api-password-change"),
    path("staff/orders", staff.StaffOrderListView.as_view(), name="api-staff-order-list"),
    path("staff/orders/<str:number>", staff.StaffOrderDetailView.as_view(), name="api-staff-order-detail"),
    path(
        "staff/orders/<str:number>/transition",
        staff.StaffOrderTransitionView.as_view(),
        name="api-staff-order-transition",
    ),
]
