"""Under /api/v1/: the offers endpoint of the app."""

from django.urls import path

from personalization.offers import api

app_name = "offers-api"

urlpatterns = [
    path("offers", api.OfferView.as_view(), name="offer"),
]
