from django.contrib.auth import views as auth_views
from django.urls import include, path, reverse_lazy

from shop.views import account, cart, catalog, checkout

app_name = "shop"

urlpatterns = [
    path("", catalog.home, name="home"),
    path("c/<slug:slug>/", catalog.category, name="category"),
    path("p/<slug:slug>/", catalog.product, name="product"),
    path("search/", catalog.search, name="search"),
    path("", include("shop.reviews.urls")),
    path("cart/", cart.cart, name="cart"),
    path("cart/add/", cart.cart_add, name="cart_add"),
    path("cart/update/", cart.cart_update, name="cart_update"),
    path("cart/remove/", cart.cart_remove, name="cart_remove"),
    path("cart/voucher/", cart.voucher_apply, name="voucher_apply"),
    path("cart/voucher/remove/", cart.voucher_remove, name="voucher_remove"),
    path("checkout/", checkout.checkout, name="checkout"),
    path("checkout/done/<str:number>/", checkout.order_confirmation, name="order_confirmation"),
    path("account/", account.account, name="account"),
    path("account/orders/<str:number>/", account.order_detail, name="order_detail"),
    path("account/signup/", account.signup, name="signup"),
    path("account/login/", account.ShopLoginView.as_view(), name="login"),
    path("account/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("account/password-reset/", account.ShopPasswordResetView.as_view(), name="password_reset"),
    path(
        "account/password-reset/sent/",
        auth_views.PasswordResetDoneView.as_view(template_name="shop/account/password_reset_done.html"),
        name="password_reset_done",
    ),
    path(
        "account/reset/<uidb64>/<token>/",
        auth_views.PasswordResetConfirmView.as_view(
            template_name="shop/account/password_reset_confirm.html",
            success_url=reverse_lazy("shop:password_reset_complete"),
        ),
        name="password_reset_confirm",
    ),
    path(
        "account/reset/done/",
        auth_views.PasswordResetCompleteView.as_view(template_name="shop/account/password_reset_complete.html"),
        name="password_reset_complete",
    ),
]
