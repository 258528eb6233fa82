"""/staff/experiments/: results pages for staff."""

from django.urls import path

from personalization.experiments import views

app_name = "experiments"

urlpatterns = [
    path("", views.experiment_index, name="index"),
    path("<slug:key>/", views.experiment_detail, name="detail"),
    path("<slug:key>/results.csv", views.experiment_results_csv, name="results_csv"),
]
