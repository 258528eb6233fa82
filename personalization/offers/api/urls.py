"""Under /api/v1/: the offers endpoint of the app."""

from django.urls import path

from personalization.offers.api import views

app_name = "offers-api"

urlpatterns = [
    path("offers", views.OfferView.as_view(), name="offer"),
]
