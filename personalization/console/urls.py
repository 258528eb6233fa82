"""/staff/: the console's sections (experiments keep their own URLs under /staff/experiments/)."""

from django.urls import path

from personalization.console.views import assistant, campaigns, models, overview, tracking

app_name = "console"

urlpatterns = [
    path("", overview.console_index, name="index"),
    path("models/", models.model_version_list, name="models"),
    path("models/<int:pk>/", models.model_version_detail, name="model-detail"),
    path("models/<int:pk>/promote/", models.model_version_promote_view, name="model-promote"),
    path("models/<slug:kind>/rollback/", models.model_version_rollback_view, name="model-rollback"),
    path("campaigns/", campaigns.campaign_overview, name="campaigns"),
    path("tracking/", tracking.tracking_health, name="tracking"),
    path("assistant/questions/", assistant.unanswered_question_list, name="assistant-questions"),
]
