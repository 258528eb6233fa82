"""/staff/: one card per section the staff member may open, each with its headline figure."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from personalization.console.access import staff_page
from personalization.console.health import tracking_health_snapshot
from personalization.experiments.models import Experiment
from personalization.recommendations.models import ModelVersion


@staff_page()
def console_index(request: HttpRequest) -> HttpResponse:
    user = request.user
    context = {"console_section": "overview"}
    if user.has_perm("experiments.view_experiment"):
        context["running_experiments"] = Experiment.objects.filter(status=Experiment.Status.RUNNING).count()
    if user.has_perm("personalization.view_modelversion"):
        context["champions"] = list(ModelVersion.objects.filter(status=ModelVersion.Status.CHAMPION).order_by("kind"))
    if user.has_perm("tracking.view_event"):
        context["health"] = tracking_health_snapshot()
    return render(request, "staff/index.html", context)
