"""Under /api/v1/: the event endpoint and the shopper's data API."""

from django.urls import path

from personalization.tracking.api import views

app_name = "tracking-api"

urlpatterns = [
    path("events", views.EventBatchView.as_view(), name="events"),
    path("me/data", views.MyDataView.as_view(), name="my-data"),
    path("me/personalization", views.MyPersonalizationView.as_view(), name="my-personalization"),
]
