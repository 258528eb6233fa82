"""Results aggregated in the database equal a Python reference computed row by row."""

import datetime as dt
import random
import uuid
from decimal import Decimal

import pytest
from django.utils import timezone

from personalization.experiments import stats
from personalization.experiments.models import Exposure
from personalization.experiments.results import experiment_results
from personalization.experiments.selectors import daily_conversion, variant_totals
from personalization.tracking.models import Event
from tests.factories import make_user

from .conftest import make_experiment

START = dt.datetime(2025, 3, 1, 12, 0, tzinfo=dt.UTC)


def purchase(*, when, value, visitor_id="", user=None, type=Event.Type.PURCHASE):
    return Event(
        uuid=uuid.uuid4(), type=type, timestamp=when, recorded_at=when, visitor_id=visitor_id, user=user,
        value=Decimal(value),
    )  # fmt: skip


@pytest.fixture
def dataset(db):
    """40 visitors and 10 users, random purchases before and after exposure, plus noise that must not count."""
    experiment = make_experiment()
    variants = {v.key: v for v in experiment.variants.all()}
    rng = random.Random(1)
    users = [make_user() for _ in range(10)]
    exposures, events, reference = [], [], []
    units = [("visitor", f"vis{n}", None) for n in range(40)] + [("user", "", u) for u in users]
    for index, (unit_type, visitor_id, user) in enumerate(units):
        variant = variants["grid" if index % 2 else "editorial"]
        exposed_at = START + dt.timedelta(days=index % 5, hours=rng.randint(0, 10))
        exposures.append(
            Exposure(
                experiment=experiment,
                variant=variant,
                unit_id=f"u:{user.pk}" if user else f"v:{visitor_id}",
                unit_type=unit_type,
                user_id=user.pk if user else None,
                visitor_id=visitor_id,
                exposed_at=exposed_at,
            )  # fmt: skip
        )
        y = x = 0.0
        purchases = 0
        first = None
        for _ in range(rng.randint(0, 3)):
            offset = dt.timedelta(days=rng.uniform(-40, 10))
            value = round(rng.uniform(5, 120), 2)
            when = exposed_at + offset
            events.append(purchase(when=when, value=str(value), visitor_id=visitor_id, user=user))
            if when >= exposed_at:
                y += value
                purchases += 1
                first = min(first, when) if first else when
            elif when >= exposed_at - dt.timedelta(days=30):
                x += value
        # Noise: a page view with a value, and another visitor's purchase.
        events.append(purchase(when=exposed_at, value="999", visitor_id=visitor_id, user=user, type="page_view"))
        reference.append((variant.pk, y, x, purchases, first, exposed_at))
    events.append(purchase(when=START, value="500", visitor_id="someone-else"))
    Exposure.objects.bulk_create(exposures)
    Event.objects.bulk_create(events)
    return experiment, reference


def test_variant_totals_equal_python_reference(dataset):
    experiment, reference = dataset
    totals = variant_totals(experiment=experiment)
    for variant in experiment.variants.all():
        rows = [r for r in reference if r[0] == variant.pk]
        got = totals[variant.pk]
        assert got.units == len(rows)
        assert got.converters == sum(1 for r in rows if r[3] > 0)
        assert got.sum_y == pytest.approx(sum(r[1] for r in rows))
        assert got.sum_y2 == pytest.approx(sum(r[1] ** 2 for r in rows))
        assert got.sum_x == pytest.approx(sum(r[2] for r in rows))
        assert got.sum_x2 == pytest.approx(sum(r[2] ** 2 for r in rows))
        assert got.sum_xy == pytest.approx(sum(r[1] * r[2] for r in rows))
        assert got.sum_p == sum(r[3] for r in rows)


def test_daily_series_is_cumulative_and_matches_reference(dataset):
    experiment, reference = dataset
    series = daily_conversion(experiment=experiment)
    for variant in experiment.variants.all():
        rows = [r for r in reference if r[0] == variant.pk]
        last = series[variant.pk][-1]
        assert last.units == len(rows)
        assert last.converters == sum(1 for r in rows if r[3] > 0)
        for point in series[variant.pk]:
            assert point.units == sum(1 for r in rows if r[5].date() <= point.day)
            assert point.converters == sum(1 for r in rows if r[4] and r[4].date() <= point.day)


def test_carried_over_exposures_are_not_counted_twice(dataset):
    experiment, _ = dataset
    before = variant_totals(experiment=experiment)
    visitor = Exposure.objects.filter(experiment=experiment, unit_type="visitor").first()
    user = make_user()
    Exposure.objects.create(
        experiment=experiment, variant=visitor.variant, unit_id=f"u:{user.pk}", unit_type="user", user_id=user.pk,
        exposed_at=timezone.now(), carried_from=visitor.unit_id,
    )  # fmt: skip
    assert variant_totals(experiment=experiment) == before


def test_results_use_the_stats_on_the_database_sums(dataset):
    experiment, reference = dataset
    results = experiment_results(experiment=experiment)
    control, treatment = results.control, results.treatments[0]
    revenue = {pk: [r[1] for r in reference if r[0] == pk] for pk in {r[0] for r in reference}}
    expected = stats.welch_t_test(
        stats.MeanSummary.from_array(revenue[control.variant.pk]),
        stats.MeanSummary.from_array(revenue[treatment.variant.pk]),
    )
    assert treatment.comparisons["revenue_per_visitor"].p_value == pytest.approx(expected.p_value)
    assert results.srm is not None and not results.srm.alarm
    assert "significant" in results.verdict.lower()
