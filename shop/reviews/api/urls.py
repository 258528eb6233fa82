"""Review endpoints of /api/v1/."""

from django.urls import path

from shop.reviews.api import views

urlpatterns = [
    path("products/<str:slug>/reviews", views.ProductReviewListView.as_view(), name="api-product-reviews"),
    path("reviews/<str:review_id>", views.ReviewDetailView.as_view(), name="api-review"),
    path("reviews/<str:review_id>/helpful", views.ReviewVoteView.as_view(), name="api-review-vote"),
    path("reviews/<str:review_id>/report", views.ReviewReportView.as_view(), name="api-review-report"),
]
