"""Under /api/v1/: the mobile app's ad slots."""

from django.urls import path

from personalization.ads import api

app_name = "ads-api"

urlpatterns = [
    path("ads", api.AdSlotView.as_view(), name="slot"),
]
