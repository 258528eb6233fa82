"""/api/v1/: the REST API of the mobile app, one include per app."""

from django.urls import include, path

urlpatterns = [
    path("", include("shop.api.urls")),
    path("", include("personalization.tracking.urls")),
    path("", include("personalization.recommendations.api.urls")),
    path("", include("personalization.experiments.api_urls")),
    path("", include("personalization.offers.urls")),
    path("", include("personalization.ads.api_urls")),
]
