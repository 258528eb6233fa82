"""Experiment results aggregation on PostgreSQL: 1,000,000 exposures, timed.

Creates a scratch database, migrates it, bulk-inserts (INSERT ... SELECT generate_series, all
inside PostgreSQL) 200,000 users, 1,000,000 exposures (a fifth of them signed-in users),
about 100,000 purchases after exposure, 40,000 in the pre-period and 500,000 page views as
noise, then times the per-variant aggregation and the daily series. Target: under 2 s.
Drops the scratch database at the end unless --keep.

    .venv/bin/python bench/experiments_aggregation.py [--keep] [--server postgres://postgres@127.0.0.1:5432]
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path

from _scratch_database import create_database, drop_database

SCRATCH_DB = "experiments_bench"
EXPOSURES = 1_000_000
USERS = 200_000
TARGET_SECONDS = 2.0


def generate() -> int:
    from django.db import connection
    from django.utils import timezone

    from personalization.experiments.models import Experiment, Variant

    experiment = Experiment.objects.create(
        key="bench", name="Bench", surface="home_layout", status="running", started_at=timezone.now()
    )
    control = Variant.objects.create(experiment=experiment, key="grid", weight=50, is_control=True, config={})
    treatment = Variant.objects.create(experiment=experiment, key="editorial", weight=50, config={})
    with connection.cursor() as cursor:
        cursor.execute("SELECT setseed(0.42)")
        cursor.execute(
            """INSERT INTO auth_user (password, is_superuser, username, first_name, last_name, email, is_staff,
                   is_active, date_joined)
               SELECT '!', false, 'bench' || g, '', '', '', false, true, now() FROM generate_series(1, %s) g""",
            [USERS],
        )
        cursor.execute("SELECT min(id) FROM auth_user WHERE username LIKE 'bench%%'")
        first_user = cursor.fetchone()[0]
        # Every fifth unit is a signed-in user; exposures spread over 28 days.
        cursor.execute(
            """INSERT INTO experiments_exposure (experiment_id, variant_id, unit_id, unit_type, user_id, visitor_id,
                   device, exposed_at, carried_from)
               SELECT %(experiment)s, CASE WHEN random() < 0.5 THEN %(control)s ELSE %(treatment)s END,
                   CASE WHEN g %% 5 = 0 THEN 'u:' || (%(first_user)s + g / 5 - 1) ELSE 'v:bench' || g END,
                   CASE WHEN g %% 5 = 0 THEN 'user' ELSE 'visitor' END,
                   CASE WHEN g %% 5 = 0 THEN %(first_user)s + g / 5 - 1 END,
                   CASE WHEN g %% 5 = 0 THEN '' ELSE 'bench' || g END,
                   CASE WHEN g %% 3 = 0 THEN 'mobile' ELSE 'desktop' END,
                   now() - interval '28 days' * random(), ''
               FROM generate_series(1, %(n)s) g""",
            {
                "experiment": experiment.pk,
                "control": control.pk,
                "treatment": treatment.pk,
                "first_user": first_user,
                "n": EXPOSURES,
            },
        )
        events = """INSERT INTO tracking_event (uuid, type, timestamp, recorded_at, visitor_id, user_id, session_key,
                   path, referrer, context, value)
               SELECT gen_random_uuid(), %(type)s, e.exposed_at + %(offset)s, now(), e.visitor_id, e.user_id, '', '',
                   '', '{}'::jsonb, %(value)s
               FROM experiments_exposure e WHERE e.experiment_id = %(experiment)s AND random() < %(share)s"""
        plans = [
            # Purchases after exposure, a little more often in the treatment.
            ("purchase", "interval '3 days' * random()", "round((5 + random() * 120)::numeric, 2)", 0.09),
            ("purchase", "interval '4 days' * random()", "round((5 + random() * 60)::numeric, 2)", 0.01),
            # Pre-period purchases (the CUPED covariate) and noise that must not count.
            ("purchase", "- interval '30 days' * random()", "round((5 + random() * 120)::numeric, 2)", 0.04),
            ("page_view", "interval '1 day' * random()", "NULL", 0.5),
        ]
        for event_type, offset, value, share in plans:
            sql = events.replace("%(offset)s", offset).replace("%(value)s", value)
            cursor.execute(sql, {"type": event_type, "experiment": experiment.pk, "share": share})
        # What autovacuum would have done by the time anyone reads results: hint bits, visibility map, statistics.
        cursor.execute("VACUUM ANALYZE experiments_exposure")
        cursor.execute("VACUUM ANALYZE tracking_event")
        cursor.execute("SELECT count(*) FILTER (WHERE type = 'purchase'), count(*) FROM tracking_event")
        purchases, events_total = cursor.fetchone()
    print(f"generated {EXPOSURES:,} exposures, {purchases:,} purchases, {events_total:,} events")
    return experiment.pk


def timed(label: str, function, repeat: int = 3) -> float:
    best = float("inf")
    for _ in range(repeat):
        started = time.perf_counter()
        function()
        best = min(best, time.perf_counter() - started)
    print(f"{label}: {best:.3f} s (best of {repeat})")
    return best


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--server", default="postgres://postgres@127.0.0.1:5432")
    parser.add_argument("--keep", action="store_true", help="keep the scratch database")
    parser.add_argument("--reuse", action="store_true", help="time the data a --keep run left")
    args = parser.parse_args()

    root = Path(__file__).resolve().parent.parent
    sys.path.insert(0, str(root))
    os.environ["DATABASE_URL"] = f"{args.server}/{SCRATCH_DB}"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    if not args.reuse:
        create_database(args.server, SCRATCH_DB)
    try:
        import django
        from django.core.management import call_command

        django.setup()
        if args.reuse:
            from personalization.experiments.models import Experiment

            experiment_id = Experiment.objects.get(key="bench").pk
        else:
            call_command("migrate", verbosity=0)
            started = time.perf_counter()
            experiment_id = generate()
            print(f"data generation: {time.perf_counter() - started:.1f} s")

        from personalization.experiments.models import Experiment
        from personalization.experiments.results import experiment_results
        from personalization.experiments.selectors import experiment_aggregates

        experiment = Experiment.objects.prefetch_related("variants").get(pk=experiment_id)
        aggregation = timed(
            "aggregation (per-variant sums + daily series)", lambda: experiment_aggregates(experiment=experiment)
        )
        full = timed(
            "full results (aggregation + series + statistics)", lambda: experiment_results(experiment=experiment)
        )
        results = experiment_results(experiment=experiment)
        for row in results.variants:
            print(
                f"  {row.variant.key}: {row.units:,} units, {row.converters:,} converters, RPV {row.revenue.mean:.3f}"
            )
        print(f"  CUPED variance reduction {results.variance_reduction:.1%}; {results.verdict}")
        print(f"aggregation: {aggregation:.3f} s; full results: {full:.3f} s (target < {TARGET_SECONDS} s)")
        return 0 if full < TARGET_SECONDS else 1
    finally:
        if not args.keep:
            drop_database(args.server, SCRATCH_DB)


if __name__ == "__main__":
    sys.exit(main())
