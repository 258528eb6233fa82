"""Under /api/v1/: the mobile app's ad slots."""

from django.urls import path

from personalization.ads.api import views

app_name = "ads-api"

urlpatterns = [
    path("ads", views.AdSlotView.as_view(), name="slot"),
]
