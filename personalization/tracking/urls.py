"""Under /api/v1/: the event endpoint, the shopper's data API, and the privacy forms of the site."""

from django.urls import path

from personalization.tracking import api, views

app_name = "tracking"

urlpatterns = [
    path("events", api.EventBatchView.as_view(), name="events"),
    path("me/data", api.MyDataView.as_view(), name="my-data"),
    path("me/personalization", api.MyPersonalizationView.as_view(), name="my-personalization"),
    path("tracking/consent", views.consent_set, name="consent"),
    path("tracking/personalization", views.personalization_toggle, name="personalization-toggle"),
    path("tracking/data", views.behaviour_data_download, name="data-download"),
    path("tracking/data/delete", views.behaviour_data_delete_confirmed, name="data-delete"),
]
