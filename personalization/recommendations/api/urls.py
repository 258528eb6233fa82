from django.urls import path

from personalization.recommendations.api.views import RecommendationsView

urlpatterns = [
    path("recommendations/<str:slot>", RecommendationsView.as_view(), name="api-recommendations"),
]
