"""Simulated visitor-sessions per second through the real site, against the target of 50/s.

Two runs side by side, each in its own process on its own throwaway SQLite file (never the dev
database): migrate, a small demo catalog without pictures, then the same simulated week of the
same shoppers, once played by one process and once shared out to worker processes (one per CPU
core, at least 2; `--workers N` to choose). Prints both rates, the speed-up, and the ratio of the
faster to the target.

    .venv/bin/python bench/simulator_throughput.py [--workers N] [--visitors N]
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

TARGET_SESSIONS_PER_SECOND = 50.0
ROOT = Path(__file__).resolve().parent.parent


def one_run(workers: int, visitors: int) -> dict:
    """In a child process: a fresh store, one simulated week; returns what was played and how fast."""
    sys.path.insert(0, str(ROOT))
    workdir = tempfile.mkdtemp(prefix="simulator-bench-")
    os.environ["DATABASE_URL"] = f"sqlite:///{workdir}/bench.sqlite3"
    os.environ["MEDIA_ROOT"] = f"{workdir}/media"
    os.environ.pop("REDIS_URL", None)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    import django

    django.setup()
    from django.core.management import call_command

    from demo.simulator.run import Simulation
    from demo.store.loader import demo_store_load

    call_command("migrate", verbosity=0)
    demo_store_load(product_count=200, with_images=False)
    simulation = Simulation(visitors=visitors, days=7, seed=42, workers=workers)
    simulation.play(progress=False)
    summary = simulation.summary()
    return {
        "workers": workers,
        "sessions": summary.total.sessions,
        "pages": summary.total.page_views,
        "orders": summary.total.orders,
        "seconds": summary.seconds,
        "rate": summary.sessions_per_second,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--workers", type=int, default=max(2, os.cpu_count() or 1))
    parser.add_argument("--visitors", type=int, default=int(os.environ.get("BENCH_VISITORS", "240")))
    parser.add_argument("--one", type=int, metavar="WORKERS", help=argparse.SUPPRESS)  # a child's run
    args = parser.parse_args()
    if args.one is not None:
        print(json.dumps(one_run(args.one, args.visitors)))
        return
    runs = []
    for workers in (1, args.workers):
        command = [sys.executable, __file__, "--one", str(workers), "--visitors", str(args.visitors)]
        output = subprocess.run(command, check=True, capture_output=True, text=True).stdout
        run = json.loads(output.strip().splitlines()[-1])
        runs.append(run)
        print(
            f"{run['workers']} process(es): {run['sessions']} sessions, {run['pages']} pages, {run['orders']} orders"
            f" in {run['seconds']:.1f} s = {run['rate']:.1f} sessions/s"
        )
    serial, parallel = runs
    print(f"speed-up with {parallel['workers']} processes: {parallel['rate'] / serial['rate']:.2f}x")
    best = max(serial["rate"], parallel["rate"])
    print(
        f"simulator throughput: {best:.1f} sessions/s; ratio to {TARGET_SESSIONS_PER_SECOND:.0f}/s: "
        f"{best / TARGET_SESSIONS_PER_SECOND:.2f}"
    )


if __name__ == "__main__":
    main()
