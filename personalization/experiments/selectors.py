"""Reads: the running experiments (cached briefly), and results aggregated in the database."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass

from django.conf import settings
from django.core.cache import cache
from django.db import connection
from django.db.models import Count, QuerySet
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


def _purchases_per_unit_sql() -> str:
    """Per exposed unit that bought anything in the window: revenue before/after exposure, purchases after.

    Two joins on indexed columns (user id, visitor id) glued with UNION ALL rather than one join
    on `OR`, which PostgreSQL could only run as a nested loop. Units without any purchase are
    not in this set: they add to the unit count and nothing to the sums.
    """
    since = _minus_days_sql("e.exposed_at", settings.EXPERIMENTS_PRE_PERIOD_DAYS)
    select = f"""
        SELECT e.id AS exposure_id, e.variant_id, e.exposed_at,
            SUM(CASE WHEN ev.timestamp >= e.exposed_at THEN COALESCE(ev.value, 0) ELSE 0 END) AS y,
            SUM(CASE WHEN ev.timestamp < e.exposed_at THEN COALESCE(ev.value, 0) ELSE 0 END) AS x,
            SUM(CASE WHEN ev.timestamp >= e.exposed_at THEN 1 ELSE 0 END) AS purchases,
            MIN(CASE WHEN ev.timestamp >= e.exposed_at THEN ev.timestamp END) AS first_purchase_at
        FROM experiments_exposure e
        JOIN tracking_event ev ON ev.{{column}} = e.{{column}}
        WHERE e.experiment_id = %s AND e.carried_from = '' AND e.unit_type = '{{unit_type}}'
            AND ev.type = 'purchase' AND ev.timestamp >= {since}
        GROUP BY e.id, e.variant_id, e.exposed_at
    """
    users = select.format(column="user_id", unit_type=Exposure.UnitType.USER.value)
    visitors = select.format(column="visitor_id", unit_type=Exposure.UnitType.VISITOR.value)
    return f"{users} UNION ALL {visitors}"


def variant_totals(*, experiment: Experiment) -> dict[int, VariantTotals]:
    """Sufficient statistics per variant id, computed in two queries whatever the number of exposures."""
    units = dict(
        Exposure.objects.filter(experiment=experiment, carried_from="")
        .values("variant_id")
        .annotate(units=Count("pk"))
        .values_list("variant_id", "units")
    )
    sql = f"""
        SELECT variant_id,
            SUM(CASE WHEN purchases > 0 THEN 1 ELSE 0 END),
            SUM(y), SUM(y * y), SUM(x), SUM(x * x), SUM(x * y), SUM(purchases), SUM(purchases * purchases)
        FROM ({_purchases_per_unit_sql()}) per_unit
        GROUP BY variant_id
    """
    with connection.cursor() as cursor:
        cursor.execute(sql, [experiment.pk, experiment.pk])
        sums = {row[0]: [float(value or 0) for value in row[1:]] for row in cursor.fetchall()}
    totals = {}
    for variant in experiment.variants.all():
        converters, *rest = sums.get(variant.pk, [0.0] * 9)
        totals[variant.pk] = VariantTotals(variant.pk, units.get(variant.pk, 0), int(converters), *rest)
    return totals


@dataclass(frozen=True)
class DailyPoint:
    day: dt.date
    units: int  # cumulative units exposed by the end of the day
    converters: int  # cumulative units whose first purchase after exposure happened by then


def daily_conversion(*, experiment: Experiment) -> dict[int, list[DailyPoint]]:
    """Cumulative conversion per variant per day, for the results chart."""
    exposed = defaultdict(dict)
    rows = (
        Exposure.objects.filter(experiment=experiment, carried_from="")
        .annotate(day=TruncDate("exposed_at"))
        .values("variant_id", "day")
        .annotate(units=Count("pk"))
        .values_list("variant_id", "day", "units")
    )
    for variant_id, day, count in rows:
        exposed[variant_id][_as_date(day)] = count
    converted = defaultdict(dict)
    sql = f"""
        SELECT variant_id, {_day_sql("first_purchase_at")} AS day, COUNT(*)
        FROM ({_purchases_per_unit_sql()}) per_unit
        WHERE purchases > 0
        GROUP BY variant_id, {_day_sql("first_purchase_at")}
    """
    with connection.cursor() as cursor:
        cursor.execute(sql, [experiment.pk, experiment.pk])
        for variant_id, day, count in cursor.fetchall():
            converted[variant_id][_as_date(day)] = count
    days = sorted({day for series in (*exposed.values(), *converted.values()) for day in series})
    series: dict[int, list[DailyPoint]] = {}
    for variant in experiment.variants.all():
        units = converters = 0
        points = []
        for day in days:
            units += exposed[variant.pk].get(day, 0)
            converters += converted[variant.pk].get(day, 0)
            points.append(DailyPoint(day, units, converters))
        series[variant.pk] = points
    return series


def _as_date(value) -> dt.date:
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    return dt.date.fromisoformat(str(value)[:10])
