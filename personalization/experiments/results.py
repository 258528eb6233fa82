"""An experiment's results for staff: database aggregates turned into the metric table, alarms and charts."""

from __future__ import annotations

import math
from dataclasses import dataclass, field

from personalization.experiments import stats
from personalization.experiments.models import METRICS, Experiment, Variant
from personalization.experiments.selectors import DailyPoint, VariantTotals, experiment_aggregates

ALPHA = 0.05
# Below this relative lift an effect is too small to chase; the sample-size hint uses at least this.
MIN_DETECTABLE_LIFT = 0.01


@dataclass(frozen=True)
class Comparison:
    """One metric of one treatment against the control."""

    lift: stats.Interval
    p_value: float
    sequential_p_value: float
    chance_to_beat_control: float

    @property
    def significant(self) -> bool:
        return self.p_value < ALPHA and self.lift.excludes_zero


@dataclass(frozen=True)
class VariantResult:
    variant: Variant
    units: int
    converters: int
    conversion: stats.Interval
    revenue: stats.MeanSummary
    purchases: stats.MeanSummary
    comparisons: dict[str, Comparison] = field(default_factory=dict)  # metric -> vs control; empty for the control
    cuped_lift: stats.Interval | None = None
    cuped_p_value: float | None = None


@dataclass(frozen=True)
class GuardrailResult:
    metric: str
    variant_key: str
    lift: stats.Interval
    p_value: float

    @property
    def harmed(self) -> bool:
        return self.p_value < ALPHA and self.lift.high < 0


@dataclass(frozen=True)
class Results:
    experiment: Experiment
    variants: list[VariantResult]
    srm: stats.SampleRatioCheck | None
    variance_reduction: float
    cuped_theta: float
    guardrails: list[GuardrailResult]
    daily: dict[str, list[DailyPoint]]
    needed_units_per_variant: int | None

    @property
    def control(self) -> VariantResult | None:
        return next((v for v in self.variants if v.variant.is_control), None)

    @property
    def treatments(self) -> list[VariantResult]:
        return [v for v in self.variants if not v.variant.is_control]

    @property
    def headline(self) -> tuple[VariantResult, Comparison] | None:
        """The treatment with the lowest p-value on the primary metric."""
        candidates = [(v, v.comparisons[self.experiment.primary_metric]) for v in self.treatments if v.comparisons]
        return min(candidates, key=lambda pair: pair[1].p_value) if candidates else None

    @property
    def significant(self) -> bool:
        headline = self.headline
        return bool(headline and headline[1].significant)

    @property
    def verdict(self) -> str:
        headline = self.headline
        if headline is None:
            return "No data yet: nobody has been exposed."
        variant, comparison = headline
        if comparison.significant:
            direction = "better" if comparison.lift.estimate > 0 else "worse"
            return (
                f"Significant: {variant.variant.key} is {direction} than the control on "
                f"{METRICS[self.experiment.primary_metric].lower()} ({comparison.lift.estimate:+.1%}, "
                f"p = {comparison.p_value:.3f})."
            )
        more = self.more_units_needed
        hint = f" / need ~{more:,} more units per variant" if more else ""
        return f"Not yet significant: keep it running{hint}."

    @property
    def more_units_needed(self) -> int | None:
        if self.needed_units_per_variant is None:
            return None
        smallest = min((v.units for v in self.variants), default=0)
        return max(0, self.needed_units_per_variant - smallest)


def _summary(totals: VariantTotals, metric: str) -> stats.MeanSummary:
    if metric == "conversion":
        return stats.MeanSummary.from_proportion(totals.converters, totals.units)
    if metric == "revenue_per_visitor":
        return stats.MeanSummary.from_sums(totals.units, totals.sum_y, totals.sum_y2)
    return stats.MeanSummary.from_sums(totals.units, totals.sum_p, totals.sum_p2)


def _chance(control: VariantTotals, treatment: VariantTotals, metric: str) -> float:
    if metric == "conversion":
        return stats.chance_to_beat_control_beta(
            control.converters, control.units, treatment.converters, treatment.units
        )
    c, t = _summary(control, metric), _summary(treatment, metric)
    return stats.chance_to_beat_normal(t.mean - c.mean, c.standard_error_squared + t.standard_error_squared)


def _sequential(control: VariantTotals, treatment: VariantTotals, metric: str, daily: dict) -> float:
    """Always-valid p-value; for conversion the running minimum over the daily looks, which keeps it valid."""
    now = stats.sequential_p_value(_summary(control, metric), _summary(treatment, metric))
    if metric != "conversion":
        return now
    looks = [
        stats.sequential_p_value(
            stats.MeanSummary.from_proportion(c.converters, c.units),
            stats.MeanSummary.from_proportion(t.converters, t.units),
        )
        for c, t in zip(daily.get(control.variant_id, []), daily.get(treatment.variant_id, []), strict=False)
    ]
    return min([now, *looks])


def _compare(control: VariantTotals, treatment: VariantTotals, metric: str, daily: dict) -> Comparison:
    c, t = _summary(control, metric), _summary(treatment, metric)
    return Comparison(
        lift=stats.relative_lift(c, t),
        p_value=stats.welch_t_test(c, t).p_value,
        sequential_p_value=_sequential(control, treatment, metric, daily),
        chance_to_beat_control=_chance(control, treatment, metric),
    )


def _needed_units(control: VariantTotals, treatments: list[VariantTotals], metric: str) -> int | None:
    base = _summary(control, metric)
    if base.n < 2 or base.mean == 0 or not treatments:
        return None
    best = max((abs(_summary(t, metric).mean - base.mean) for t in treatments), default=0.0)
    difference = max(best, MIN_DETECTABLE_LIFT * abs(base.mean))
    variance = base.mean * (1 - base.mean) if metric == "conversion" else base.variance
    return stats.required_units_per_variant(variance=variance, difference=difference, alpha=ALPHA)


def experiment_results(*, experiment: Experiment) -> Results:
    variants = list(experiment.variants.all())
    aggregates = experiment_aggregates(experiment=experiment)
    totals, daily = aggregates.totals, aggregates.daily
    control = next((v for v in variants if v.is_control), variants[0] if variants else None)
    control_totals = totals.get(control.pk) if control else None

    cuped_sums = [
        stats.CupedSums(t.units, t.sum_y, t.sum_y2, t.sum_x, t.sum_x2, t.sum_xy)
        for t in (totals[v.pk] for v in variants)
    ]
    cuped = stats.cuped(cuped_sums) if sum(s.n for s in cuped_sums) > 1 else None
    adjusted = dict(zip((v.pk for v in variants), cuped.adjusted, strict=True)) if cuped else {}

    results, guardrails = [], []
    for variant in variants:
        t = totals[variant.pk]
        comparisons, cuped_lift, cuped_p = {}, None, None
        if control_totals is not None and variant.pk != control.pk:
            for metric in {
                experiment.primary_metric,
                "conversion",
                "revenue_per_visitor",
                *experiment.guardrail_metrics,
            }:
                comparisons[metric] = _compare(control_totals, t, metric, daily)
            if cuped:
                cuped_lift = stats.relative_lift(adjusted[control.pk], adjusted[variant.pk])
                cuped_p = stats.welch_t_test(adjusted[control.pk], adjusted[variant.pk]).p_value
            for metric in experiment.guardrail_metrics:
                comparison = comparisons[metric]
                guardrails.append(GuardrailResult(metric, variant.key, comparison.lift, comparison.p_value))
        results.append(
            VariantResult(
                variant=variant,
                units=t.units,
                converters=t.converters,
                conversion=stats.wilson_interval(t.converters, t.units),
                revenue=_summary(t, "revenue_per_visitor"),
                purchases=_summary(t, "purchases_per_visitor"),
                comparisons=comparisons,
                cuped_lift=cuped_lift,
                cuped_p_value=cuped_p,
            )
        )

    # The bandit moves the weights on purpose, so a split against today's weights means nothing.
    srm = None
    if not experiment.bandit and len(variants) > 1:
        srm = stats.sample_ratio_mismatch([totals[v.pk].units for v in variants], [v.weight for v in variants])
    treatments = [totals[v.pk] for v in variants if control is not None and v.pk != control.pk]
    return Results(
        experiment=experiment,
        variants=results,
        srm=srm,
        variance_reduction=cuped.variance_reduction if cuped else 0.0,
        cuped_theta=cuped.theta if cuped else 0.0,
        guardrails=guardrails,
        daily={v.key: daily.get(v.pk, []) for v in variants},
        needed_units_per_variant=_needed_units(control_totals, treatments, experiment.primary_metric)
        if control_totals
        else None,
    )


def _finite(value: float) -> float | None:
    return round(value, 6) if value is not None and math.isfinite(value) else None


def chart_data(results: Results) -> dict:
    """What static/js/experiments.js draws: cumulative conversion per variant per day, and lifts with intervals."""
    days = sorted({point.day for series in results.daily.values() for point in series})
    conversion = {
        "labels": [day.isoformat() for day in days],
        "series": [
            {
                "label": key,
                "data": [_finite(p.converters / p.units) if p.units else None for p in series],
            }
            for key, series in results.daily.items()
        ],
    }
    metric = results.experiment.primary_metric
    lift = {
        "metric": METRICS[metric],
        "labels": [v.variant.key for v in results.treatments],
        "estimate": [_finite(v.comparisons[metric].lift.estimate) for v in results.treatments if v.comparisons],
        "interval": [
            [_finite(v.comparisons[metric].lift.low), _finite(v.comparisons[metric].lift.high)]
            for v in results.treatments
            if v.comparisons
        ],
    }
    return {"conversion": conversion, "lift": lift}
