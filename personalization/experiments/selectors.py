"""Reads: the running experiments (cached briefly), and results aggregated in the database."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass

from django.conf import settings
from django.core.cache import cache
from django.db import connection, transaction
from django.db.models import Count, Min, QuerySet
from django.db.models.functions import TruncDate

from personalization.experiments.assignment import ExperimentSpec, Targeting, VariantSpec
from personalization.experiments.models import Experiment, Exposure

RUNNING_CACHE_KEY = "experiments:running:v1"


def experiment_spec(experiment: Experiment) -> ExperimentSpec:
    return ExperimentSpec(
        id=experiment.pk,
        key=experiment.key,
        surface=experiment.surface,
        status=experiment.status,
        salt=experiment.salt,
        traffic_percent=experiment.traffic_percent,
        variants=tuple(
            VariantSpec(key=v.key, weight=v.weight, is_control=v.is_control, config=dict(v.config), id=v.pk)
            for v in experiment.variants.all()
        ),
        targeting=Targeting(
            device=experiment.target_device, visitors=experiment.target_visitors, segment=experiment.target_segment
        ),
    )


def running_experiment_specs() -> tuple[ExperimentSpec, ...]:
    """Every running experiment as a small frozen value; two queries per cache period at most."""
    specs = cache.get(RUNNING_CACHE_KEY)
    if specs is None:
        running = Experiment.objects.filter(status=Experiment.Status.RUNNING).prefetch_related("variants")
        specs = tuple(experiment_spec(experiment) for experiment in running.order_by("pk"))
        # Short, so a start or pause shows within seconds even where the cache is per process;
        # the services also delete the key on every change.
        cache.set(RUNNING_CACHE_KEY, specs, settings.EXPERIMENTS_RUNNING_CACHE_SECONDS)
    return specs


def forget_running_experiments() -> None:
    cache.delete(RUNNING_CACHE_KEY)


def experiment_list() -> QuerySet[Experiment]:
    return Experiment.objects.prefetch_related("variants").annotate(exposure_count=Count("exposures"))


@dataclass(frozen=True)
class VariantTotals:
    """Per variant, over units counted in the results (carried-over users are already counted as visitors).

    y: revenue after first exposure; x: revenue in the EXPERIMENTS_PRE_PERIOD_DAYS before it; p: purchases after it.
    """

    variant_id: int
    units: int
    converters: int
    sum_y: float
    sum_y2: float
    sum_x: float
    sum_x2: float
    sum_xy: float
    sum_p: float
    sum_p2: float


def _minus_days_sql(column: str, days: int) -> str:
    if connection.vendor == "postgresql":
        return f"{column} - interval '{int(days)} days'"
    return f"datetime({column}, '-{int(days)} days')"


def _day_sql(column: str) -> str:
    if connection.vendor == "postgresql":
        return f"CAST(({column} AT TIME ZONE 'UTC') AS date)"
    return f"date({column})"


def _purchase_sums_sql() -> str:
    """Per variant and day of first purchase after exposure: converters and the sums of VariantTotals.

    The purchases of the window are read once (a range of the type/timestamp index) and each
    is keyed by the units it belongs to, "u:<user id>" and "v:<visitor id>", so the join to the
    exposures is one equality on the (experiment, unit) unique index rather than an `OR` across
    two columns. Units without any purchase in the window never enter the join: they add to the
    unit count only. Params: start of the purchase window, experiment id.
    """
    days = settings.EXPERIMENTS_PRE_PERIOD_DAYS
    day = _day_sql("first_purchase_at")
    return f"""
        WITH purchase AS (
            SELECT user_id, visitor_id, timestamp, COALESCE(value, 0) AS value
            FROM tracking_event
            WHERE type = 'purchase' AND timestamp >= %s
        ),
        unit_purchase AS (
            SELECT 'u:' || user_id AS unit_id, timestamp, value FROM purchase WHERE user_id IS NOT NULL
            UNION ALL
            SELECT 'v:' || visitor_id, timestamp, value FROM purchase WHERE visitor_id <> ''
        ),
        per_unit AS (
            SELECT e.variant_id,
                SUM(CASE WHEN p.timestamp >= e.exposed_at THEN p.value ELSE 0 END) AS y,
                SUM(CASE WHEN p.timestamp < e.exposed_at THEN p.value ELSE 0 END) AS x,
                SUM(CASE WHEN p.timestamp >= e.exposed_at THEN 1 ELSE 0 END) AS purchases,
                MIN(CASE WHEN p.timestamp >= e.exposed_at THEN p.timestamp END) AS first_purchase_at
            FROM unit_purchase p
            JOIN experiments_exposure e ON e.experiment_id = %s AND e.unit_id = p.unit_id
            WHERE e.carried_from = '' AND p.timestamp >= {_minus_days_sql("e.exposed_at", days)}
            GROUP BY e.id, e.variant_id
        )
        SELECT variant_id, {day},
            SUM(CASE WHEN purchases > 0 THEN 1 ELSE 0 END),
            SUM(y), SUM(y * y), SUM(x), SUM(x * x), SUM(x * y), SUM(purchases), SUM(purchases * purchases)
        FROM per_unit
        GROUP BY variant_id, {day}
    """


@dataclass(frozen=True)
class DailyPoint:
    day: dt.date
    units: int  # cumulative units exposed by the end of the day
    converters: int  # cumulative units whose first purchase after exposure happened by then


@dataclass(frozen=True)
class Aggregates:
    totals: dict[int, VariantTotals]  # by variant id
    daily: dict[int, list[DailyPoint]]  # by variant id, one point per day with any exposure or conversion


def _run_purchase_sums(experiment: Experiment) -> list[tuple]:
    # A constant (not a subquery) lets the planner see how many purchases the window holds.
    first_exposure = Exposure.objects.filter(experiment=experiment).aggregate(first=Min("exposed_at"))["first"]
    if first_exposure is None:
        return []
    window_start = first_exposure - dt.timedelta(days=settings.EXPERIMENTS_PRE_PERIOD_DAYS)
    with transaction.atomic(using=connection.alias), connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            # The planner's cost estimate turns on JIT compilation, which takes seconds here and saves nothing.
            cursor.execute("SET LOCAL jit = off")
        cursor.execute(_purchase_sums_sql(), [window_start, experiment.pk])
        return cursor.fetchall()


def experiment_aggregates(*, experiment: Experiment) -> Aggregates:
    """Everything the results need from the database, in two queries whatever the number of exposures."""
    exposed: dict[int, dict[dt.date, int]] = defaultdict(dict)
    rows = (
        Exposure.objects.filter(experiment=experiment, carried_from="")
        .annotate(day=TruncDate("exposed_at"))
        .values("variant_id", "day")
        .annotate(units=Count("pk"))
        .values_list("variant_id", "day", "units")
    )
    for variant_id, day, count in rows:
        exposed[variant_id][_as_date(day)] = count
    converted: dict[int, dict[dt.date, int]] = defaultdict(dict)
    sums: dict[int, list[float]] = defaultdict(lambda: [0.0] * 8)
    for variant_id, day, *values in _run_purchase_sums(experiment):
        values = [float(value or 0) for value in values]
        if day is not None:
            converted[variant_id][_as_date(day)] = int(values[0])
        sums[variant_id] = [a + b for a, b in zip(sums[variant_id], values, strict=True)]

    days = sorted({day for series in (*exposed.values(), *converted.values()) for day in series})
    totals, daily = {}, {}
    for variant in experiment.variants.all():
        converters, *rest = sums[variant.pk]
        units = sum(exposed[variant.pk].values())
        totals[variant.pk] = VariantTotals(variant.pk, units, int(converters), *rest)
        cumulative_units = cumulative_converters = 0
        points = []
        for day in days:
            cumulative_units += exposed[variant.pk].get(day, 0)
            cumulative_converters += converted[variant.pk].get(day, 0)
            points.append(DailyPoint(day, cumulative_units, cumulative_converters))
        daily[variant.pk] = points
    return Aggregates(totals, daily)


def variant_totals(*, experiment: Experiment) -> dict[int, VariantTotals]:
    return experiment_aggregates(experiment=experiment).totals


def daily_conversion(*, experiment: Experiment) -> dict[int, list[DailyPoint]]:
    """Cumulative conversion per variant per day, for the results chart."""
    return experiment_aggregates(experiment=experiment).daily


def _as_date(value) -> dt.date:
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    return dt.date.fromisoformat(str(value)[:10])
