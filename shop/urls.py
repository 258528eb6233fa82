from django.contrib.auth import views as auth_views
from django.urls import path, reverse_lazy

from shop import views

app_name = "shop"

urlpatterns = [
    path("", views.home, name="home"),
    path("c/<slug:slug>/", views.category, name="category"),
    path("p/<slug:slug>/", views.product, name="product"),
    path("search/", views.search, name="search"),
    path("cart/", views.cart, name="cart"),
    path("cart/add/", views.cart_add, name="cart_add"),
    path("cart/update/", views.cart_update, name="cart_update"),
    path("cart/remove/", views.cart_remove, name="cart_remove"),
    path("cart/voucher/", views.voucher_apply, name="voucher_apply"),
    path("cart/voucher/remove/", views.voucher_remove, name="voucher_remove"),
    path("checkout/", views.checkout, name="checkout"),
    path("checkout/done/<str:number>/", views.order_confirmation, name="order_confirmation"),
    path("account/", views.account, name="account"),
    path("account/orders/<str:number>/", views.order_detail, name="order_detail"),
    path("account/signup/", views.signup, name="signup"),
    path("account/login/", views.ShopLoginView.as_view(), name="login"),
    path("account/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("account/password-reset/", views.ShopPasswordResetView.as_view(), name="password_reset"),
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
