"""Simulated visitor-sessions per second through the real site, against the target of 50/s.

Runs on a throwaway SQLite copy (a temporary file, never the dev database): migrate, a
small demo catalog without pictures, then a few simulated days. Prints the ratio to the target.
"""

from __future__ import annotations

import os
import sys
import tempfile
from pathlib import Path

TARGET_SESSIONS_PER_SECOND = 50.0


def main() -> None:
    root = Path(__file__).resolve().parent.parent
    sys.path.insert(0, str(root))
    workdir = tempfile.mkdtemp(prefix="simulator-bench-")
    os.environ["DATABASE_URL"] = f"sqlite:///{workdir}/bench.sqlite3"
    os.environ["MEDIA_ROOT"] = f"{workdir}/media"
    os.environ.pop("REDIS_URL", None)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    import django

    django.setup()
    from django.core.management import call_command

    from personalization.simulator.run import Simulation
    from shop.demo.loader import demo_store_load

    call_command("migrate", verbosity=0)
    demo_store_load(product_count=200, with_images=False)
    simulation = Simulation(visitors=int(os.environ.get("BENCH_VISITORS", "120")), days=7, seed=42)
    simulation.play(progress=False)
    summary = simulation.summary()
    rate = summary.sessions_per_second
    print(f"{summary.total.sessions} sessions, {summary.total.page_views} pages in {summary.seconds:.1f} s")
    print(
        f"simulator throughput: {rate:.1f} sessions/s; ratio to {TARGET_SESSIONS_PER_SECOND:.0f}/s: "
        f"{rate / TARGET_SESSIONS_PER_SECOND:.2f}"
    )


if __name__ == "__main__":
    main()
