"""Shared by the tracking benchmarks: a private PostgreSQL database, a free port, a gunicorn to talk to.

The benchmarks never touch the shared `test` database: they create `tracking_bench`
next to it (BENCH_DATABASE_URL overrides) and a Redis key prefix of their own.
Run from the repository root: `.venv/bin/python bench/tracking_flush.py`.
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DATABASE_URL = os.environ.get("BENCH_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/tracking_bench")
REDIS_URL = os.environ.get("BENCH_REDIS_URL", os.environ.get("REDIS_URL", "redis://127.0.0.1:6379/0"))
PREFIX = "bench-tracking:"


def bench_environment(**extra: str) -> dict[str, str]:
    env = dict(os.environ)
    env.update(
        DATABASE_URL=DATABASE_URL,
        REDIS_URL=REDIS_URL,
        TRACKING_REDIS_PREFIX=PREFIX,
        CACHE_KEY_PREFIX="bench-tracking-cache",
        API_THROTTLE_EVENTS="1000000/minute",
        API_THROTTLE_ANON="1000000/minute",
        TRACKING_BOT_PAGE_VIEWS_PER_MINUTE="1000000",
        LOG_LEVEL="WARNING",
        DJANGO_SETTINGS_MODULE="config.settings",
    )
    env.update(extra)
    return env


def prepare_database() -> None:
    """Create the benchmark database if needed and migrate it (in a subprocess, so settings stay unread here)."""
    import psycopg

    name = DATABASE_URL.rsplit("/", 1)[1]
    with psycopg.connect(DATABASE_URL.rsplit("/", 1)[0] + "/postgres", autocommit=True) as conn:
        if not conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone():
            conn.execute(f'CREATE DATABASE "{name}"')
    subprocess.run(
        [sys.executable, "manage.py", "migrate", "--noinput", "-v", "0"], cwd=ROOT, env=bench_environment(), check=True
    )


def setup_django() -> None:
    os.environ.update(bench_environment())
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Gunicorn:
    def __init__(self, app: str, *, workers: int = 2, **env: str):
        self.port = free_port()
        self.process = subprocess.Popen(
            [
                str(ROOT / ".venv/bin/gunicorn"),
                app,
                "--workers",
                str(workers),
                "--bind",
                f"127.0.0.1:{self.port}",
                "--log-level",
                "warning",
                "--preload",  # import Django once, so both workers are ready together
            ],
            cwd=ROOT,
            env=bench_environment(**env),
        )

    def __enter__(self) -> Gunicorn:
        import http.client

        deadline = time.monotonic() + 120
        ready = 0
        while time.monotonic() < deadline and ready < 10:
            try:
                conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=5)
                conn.request("GET", "/healthz")
                ready += conn.getresponse().status == 200
                conn.close()
            except OSError:
                time.sleep(0.5)
        if ready < 10:
            raise RuntimeError("gunicorn did not start")
        return self

    def __exit__(self, *exc) -> None:
        self.process.send_signal(signal.SIGTERM)
        self.process.wait(timeout=30)


def clear_redis() -> None:
    import redis

    r = redis.Redis.from_url(REDIS_URL)
    keys = list(r.scan_iter(match=PREFIX + "*"))
    if keys:
        r.delete(*keys)
