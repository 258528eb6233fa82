"""/staff/live-traffic/: the demo's live traffic, its status and the experiment it fills; start, stop, pace."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from demo.history.selectors import demo_history_status
from demo.live.selectors import live_traffic_status
from demo.live.services import MAX_PACE, MIN_PACE, live_traffic_start, live_traffic_stop
from demo.simulator.closed_loop import EXPERIMENT_KEY
from personalization.console.access import staff_page

REFRESH_SECONDS = 10


def _experiment_results():
    from personalization.experiments.models import Experiment
    from personalization.experiments.results import experiment_results

    experiment = Experiment.objects.filter(key=EXPERIMENT_KEY).prefetch_related("variants").first()
    if experiment is None or experiment.status == Experiment.Status.DRAFT:
        return experiment, None
    return experiment, experiment_results(experiment=experiment)


def _page(request: HttpRequest, *, error: str = "", status: int = 200) -> HttpResponse:
    experiment, results = _experiment_results()
    context = {
        "console_section": "live",
        "status": live_traffic_status(),
        "history": demo_history_status(),
        "experiment": experiment,
        "results": results,
        "headline": results.headline if results else None,
        "error": error,
        "min_pace": MIN_PACE,
        "max_pace": MAX_PACE,
        "refresh_seconds": REFRESH_SECONDS,
        "can_change": request.user.has_perm("demo.change_livetraffic"),
    }
    return render(request, "demo/live_traffic.html", context, status=status)


@staff_page("demo.view_livetraffic")
def live_traffic(request: HttpRequest) -> HttpResponse:
    if request.method != "POST":
        return _page(request)
    if not request.user.has_perm("demo.change_livetraffic"):
        return _page(request, error=_("You may watch the live traffic but not start or stop it."), status=403)
    action = request.POST.get("action")
    if action == "stop":
        live_traffic_stop(by=request.user)
        messages.success(request, _("Live traffic pauses after the visit it is playing."))
    elif action == "start":
        try:
            live_traffic_start(by=request.user, pace=request.POST.get("pace") or None)
        except ValidationError as error:
            return _page(request, error=" ".join(error.messages), status=400)
        messages.success(request, _("Live traffic starts within a few seconds."))
    else:
        return _page(request, error=_("Choose start or stop."), status=400)
    return redirect("demo:live-traffic")
