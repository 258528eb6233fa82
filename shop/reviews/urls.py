"""The review pages, included in the shop's URLs (and its `shop:` namespace)."""

from django.urls import path

from shop.reviews import views

urlpatterns = [
    path("p/<slug:slug>/review/", views.review_write, name="review_write"),
    path("reviews/<int:pk>/delete/", views.review_delete, name="review_delete"),
    path("reviews/<int:pk>/helpful/", views.review_vote, name="review_vote"),
    path("reviews/<int:pk>/report/", views.review_report, name="review_report"),
]
