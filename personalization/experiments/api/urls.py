"""Under /api/v1/: the mobile app's experiment endpoints."""

from django.urls import path

from personalization.experiments.api import views

app_name = "experiments-api"

urlpatterns = [
    path("experiments/assignments", views.AssignmentListView.as_view(), name="assignments"),
    path("experiments/exposures", views.ExposureCreateView.as_view(), name="exposures"),
]
