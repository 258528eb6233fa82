"""Under /api/v1/: the mobile app's experiment endpoints."""

from django.urls import path

from personalization.experiments import api

app_name = "experiments-api"

urlpatterns = [
    path("experiments/assignments", api.AssignmentListView.as_view(), name="assignments"),
    path("experiments/exposures", api.ExposureCreateView.as_view(), name="exposures"),
]
