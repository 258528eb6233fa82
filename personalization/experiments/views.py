"""Staff console pages: the list of experiments with their headline, one experiment's results, its CSV.

They need staff status and the permission to view experiments (personalization.console.access).
"""

from __future__ import annotations

import csv

from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.utils.text import capfirst
from django.utils.translation import gettext as _

from personalization.console.access import staff_page
from personalization.console.labels import METRIC_LABELS, variant_label
from personalization.experiments.models import METRICS, Experiment
from personalization.experiments.results import chart_data, experiment_results
from personalization.experiments.selectors import experiment_list

staff_required = staff_page("experiments.view_experiment")


@staff_required
def experiment_index(request: HttpRequest) -> HttpResponse:
    rows = []
    for experiment in experiment_list():
        results = experiment_results(experiment=experiment) if experiment.status != Experiment.Status.DRAFT else None
        rows.append({"experiment": experiment, "results": results})
    return render(
        request, "experiments/list.html", {"rows": rows, "metrics": METRICS, "console_section": "experiments"}
    )


@staff_required
def experiment_detail(request: HttpRequest, key: str) -> HttpResponse:
    experiment = get_object_or_404(Experiment.objects.prefetch_related("variants"), key=key)
    results = experiment_results(experiment=experiment)
    context = {
        "experiment": experiment,
        "results": results,
        "charts": _named_charts(results),
        "metrics": METRICS,
        "primary_metric_label": capfirst(str(METRIC_LABELS.get(experiment.primary_metric, experiment.primary_metric))),
        "allocations": list(experiment.allocations.all()[:20]) if experiment.bandit else [],
        "console_section": "experiments",
    }
    return render(request, "experiments/detail.html", context)


def _named_charts(results) -> dict:
    """The charts' data with variants by name and the axis texts in the page's language."""
    charts = chart_data(results)
    names = {row.variant.key: variant_label(row.variant) for row in results.variants}
    for series in charts["conversion"]["series"]:
        series["label"] = names.get(series["label"], series["label"])
    charts["lift"]["labels"] = [names.get(key, key) for key in charts["lift"]["labels"]]
    metric = str(METRIC_LABELS.get(results.experiment.primary_metric, charts["lift"]["metric"]))
    charts["text"] = {
        "cumulative_conversion": _("Cumulative conversion"),
        "interval": _("Interval at 95%"),
        "lift": _("Lift"),
        "lift_on": _("Lift on %(metric)s") % {"metric": metric},
    }
    return charts


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
