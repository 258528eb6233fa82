"""Staff pages: the list of experiments with their headline, one experiment's results, its CSV."""

from __future__ import annotations

import csv
from functools import wraps

from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render

from personalization.experiments.models import METRICS, Experiment
from personalization.experiments.results import chart_data, experiment_results
from personalization.experiments.selectors import experiment_list


def staff_required(view):
    """Anonymous: to the login page. Signed in but not staff: 403, since logging in again would not help."""

    @wraps(view)
    def wrapped(request: HttpRequest, *args, **kwargs):
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        if not request.user.is_staff:
            raise PermissionDenied
        return view(request, *args, **kwargs)

    return wrapped


@staff_required
def experiment_index(request: HttpRequest) -> HttpResponse:
    rows = []
    for experiment in experiment_list():
        results = experiment_results(experiment=experiment) if experiment.status != Experiment.Status.DRAFT else None
        rows.append({"experiment": experiment, "results": results})
    return render(request, "experiments/list.html", {"rows": rows, "metrics": METRICS})


@staff_required
def experiment_detail(request: HttpRequest, key: str) -> HttpResponse:
    experiment = get_object_or_404(Experiment.objects.prefetch_related("variants"), key=key)
    results = experiment_results(experiment=experiment)
    context = {
        "experiment": experiment,
        "results": results,
        "charts": chart_data(results),
        "metrics": METRICS,
        "primary_metric_label": METRICS[experiment.primary_metric],
        "allocations": list(experiment.allocations.all()[:20]) if experiment.bandit else [],
    }
    return render(request, "experiments/detail.html", context)


CSV_COLUMNS = [
    "variant", "is_control", "weight", "units", "conversions", "conversion_rate", "conversion_rate_low",
    "conversion_rate_high", "revenue_per_visitor", "conversion_lift", "conversion_lift_low", "conversion_lift_high",
    "conversion_p_value", "conversion_sequential_p_value", "conversion_chance_to_beat_control", "revenue_lift",
    "revenue_lift_low", "revenue_lift_high", "revenue_p_value", "revenue_sequential_p_value",
    "revenue_chance_to_beat_control", "cuped_revenue_lift", "cuped_revenue_lift_low", "cuped_revenue_lift_high",
    "cuped_revenue_p_value",
]  # fmt: skip


@staff_required
def experiment_results_csv(request: HttpRequest, key: str) -> HttpResponse:
    experiment = get_object_or_404(Experiment.objects.prefetch_related("variants"), key=key)
    results = experiment_results(experiment=experiment)
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="experiment-{experiment.key}-results.csv"'
    writer = csv.writer(response)
    writer.writerow(CSV_COLUMNS)
    for row in results.variants:
        conversion = row.comparisons.get("conversion")
        revenue = row.comparisons.get("revenue_per_visitor")

        def compared(comparison):
            if comparison is None:
                return ["", "", "", "", "", ""]
            lift = comparison.lift
            return [lift.estimate, lift.low, lift.high, comparison.p_value, comparison.sequential_p_value,
                    comparison.chance_to_beat_control]  # fmt: skip

        cuped = row.cuped_lift
        writer.writerow(
            [
                row.variant.key,
                row.variant.is_control,
                row.variant.weight,
                row.units,
                row.converters,
                row.conversion.estimate,
                row.conversion.low,
                row.conversion.high,
                row.revenue.mean,
                *compared(conversion),
                *compared(revenue),
                *([cuped.estimate, cuped.low, cuped.high, row.cuped_p_value] if cuped else ["", "", "", ""]),
            ]  # fmt: skip
        )
    return response
