"""The flush's throughput at several commits, side by side in one run: events/s of each and its ratio to the first.

Each side is exported from git (`git archive`, nothing in the checkout changes) into a temporary folder
and flushes into a PostgreSQL database of its own (`tracking_bench_<side>`), since their migrations may
differ; rounds go through the sides in turn, forwards then backwards, so that a change of the machine's
load falls on all. All
databases first get `--history` older events spread over the last 180 days (in month partitions where
the table is partitioned), as a live store has: the UUID checks of a flush are only tested against a
table that holds something. The default compares the commit before the event table was partitioned,
the last commit before its flush was fixed, and the working tree:

    .venv/bin/python bench/flush_compare.py --events 100000 --rounds 3 --history 2000000
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SIDES = "before=85bc377^,partitioned=9f7a50c,now=worktree"
SERVER = "postgres://postgres@127.0.0.1:5432"
RUN = """
import sys
sys.path.insert(0, "bench")
import tracking_flush
from tracking_server import clear_redis, prepare_database, setup_django
tracking_flush.FLUSH_EVENTS = {events}
prepare_database()
setup_django()
clear_redis()
print("RATE", tracking_flush.bench_flush())
"""


def export(ref: str, into: Path) -> Path:
    """The tree at `ref` (or the working tree for "worktree") under `into`."""
    if ref == "worktree":
        return ROOT
    into.mkdir(parents=True)
    archive = subprocess.run(["git", "archive", ref], cwd=ROOT, check=True, capture_output=True).stdout
    subprocess.run(["tar", "-x", "-C", str(into)], input=archive, check=True)
    return into


HISTORY = """
DO $$
DECLARE m date;
BEGIN
  IF (SELECT relkind FROM pg_class WHERE oid = 'tracking_event'::regclass) = 'p' THEN
    FOR i IN 1..6 LOOP
      m := date_trunc('month', now() - make_interval(months => i))::date;
      EXECUTE format('CREATE TABLE IF NOT EXISTS tracking_event_y%sm%s PARTITION OF tracking_event '
                     'FOR VALUES FROM (%L) TO (%L)', to_char(m, 'YYYY'), to_char(m, 'MM'), m::timestamptz,
                     (m + interval '1 month')::timestamptz);
    END LOOP;
  END IF;
END $$;
INSERT INTO tracking_event (uuid, type, "timestamp", recorded_at, visitor_id, session_key, path, referrer, context)
SELECT gen_random_uuid(), 'product_view', t, t, 'hist-' || (g % 50000), '', '/p/', '', '{}'::jsonb
FROM (SELECT g, now() - random() * interval '180 days' AS t FROM generate_series(1, %(missing)s) g) s;
ANALYZE tracking_event;
"""


def add_history(database: str, events: int) -> None:
    """Older events up to `events` in all (made once, kept for later runs)."""
    import psycopg

    with psycopg.connect(f"{SERVER}/{database}", autocommit=True) as conn:
        held = conn.execute("SELECT count(*) FROM tracking_event WHERE visitor_id LIKE 'hist-%'").fetchone()[0]
        if held < events:
            conn.execute(HISTORY.replace("%(missing)s", str(events - held)))


def flush_rate(tree: Path, database: str, events: int) -> float:
    env = dict(os.environ, BENCH_DATABASE_URL=f"{SERVER}/{database}")
    done = subprocess.run(
        [sys.executable, "-c", RUN.format(events=events)], cwd=tree, env=env, capture_output=True, text=True
    )
    if done.returncode != 0:
        raise SystemExit(f"the flush at {tree} failed:\n{done.stderr[-3000:]}")
    return float(next(line.split()[1] for line in done.stdout.splitlines() if line.startswith("RATE")))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--sides", default=SIDES, help="NAME=COMMIT,... ('worktree': the checkout); the first is the base"
    )
    parser.add_argument("--events", type=int, default=100_000)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--history", type=int, default=2_000_000, help="older events in each database")
    parser.add_argument("--database-prefix", default="tracking_bench")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        refs = dict(side.split("=", 1) for side in args.sides.split(","))
        sides = {name: export(ref, Path(tmp) / name) for name, ref in refs.items()}
        for side, tree in sides.items():
            flush_rate(tree, f"{args.database_prefix}_{side}", 5000)  # creates and migrates the database
            add_history(f"{args.database_prefix}_{side}", args.history)
        rates: dict[str, list[float]] = {side: [] for side in sides}
        for n in range(args.rounds):
            for side, tree in sides.items() if n % 2 == 0 else reversed(list(sides.items())):
                rates[side].append(flush_rate(tree, f"{args.database_prefix}_{side}", args.events))
                print(f"round {n + 1} {side}: {rates[side][-1]:,.0f} events/s", flush=True)
    base = next(iter(sides))
    for side, ref in refs.items():
        median = statistics.median(rates[side])
        ratio = median / statistics.median(rates[base])
        print(f"{side} ({ref}): median {median:,.0f} events/s, {ratio:.2f}x {base}")
    print(f"{args.rounds} runs of {args.events:,} events per side, {args.history:,} older events in each table")


if __name__ == "__main__":
    main()
