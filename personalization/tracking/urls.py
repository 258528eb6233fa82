"""/account/privacy/: the browser forms of the consent banner and the shopper's privacy controls."""

from django.urls import path

from personalization.tracking import views

app_name = "tracking"

urlpatterns = [
    path("consent/", views.consent_set, name="consent"),
    path("personalization/", views.personalization_toggle, name="personalization-toggle"),
    path("data/", views.behaviour_data_download, name="data-download"),
    path("data/delete/", views.behaviour_data_delete_confirmed, name="data-delete"),
]
