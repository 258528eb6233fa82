"""Starting a command imports no heavy library: torch, scipy and the model code load when a model is trained,
loaded or scored, not for `migrate`, `check`, the autoreloader's parent or celery beat (~4.5 CPU-seconds each)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from django.conf import settings

BASE_DIR = Path(settings.BASE_DIR)
# numpy (~0.1 s) stays: the statistics and the serving code use it at import; the model code built on it does not.
HEAVY = (
    "torch",
    "scipy",
    "sklearn",
    "faiss",
    "hnswlib",
    "usearch",
    "bm25s",
    "pypinyin",
    "personalization.recsys.models",
)
# Seconds: one Django start on a shared, loaded 2-core machine.
TIMEOUT = 180

# What `manage.py check` loads: every app's models and admin, the whole URLconf, then the checks themselves;
# then what `migrate` and the other commands add: every migration and every command's module.
STARTUP = """
import importlib, json, sys
import django
django.setup()
from django.apps import apps
from django.core.management import call_command, get_commands, load_command_class
from django.db.migrations.loader import MigrationLoader
from django.urls import get_resolver

def walk(patterns):
    for pattern in patterns:
        walk(getattr(pattern, "url_patterns", ()))

for app in apps.get_app_configs():
    for module in ("models", "admin", "urls"):
        try:
            importlib.import_module(f"{app.name}.{module}")
        except ModuleNotFoundError as error:
            if error.name != f"{app.name}.{module}":
                raise
walk(get_resolver().url_patterns)
call_command("check", verbosity=0)
MigrationLoader(None, ignore_no_migrations=True)
for name, app in get_commands().items():
    load_command_class(app, name)
print(json.dumps([name for name in HEAVY if name in sys.modules]))
"""


def heavy_modules_after(script: str) -> list[str]:
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "config.settings"}
    result = subprocess.run(
        [sys.executable, "-c", f"HEAVY = {HEAVY!r}\n{script}"],
        cwd=BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=TIMEOUT,
    )
    assert result.returncode == 0, result.stderr[-3000:]
    return json.loads(result.stdout.strip().splitlines()[-1])


def test_django_setup_check_migrations_and_commands_import_no_heavy_library():
    loaded = heavy_modules_after(STARTUP)

    assert loaded == [], f"importing the apps' models, admin, URLs, migrations or commands loaded {loaded}"


def test_celery_beat_imports_no_heavy_library():
    # Beat and every worker import the task modules of every app before their first tick.
    script = (
        "import django, json, sys\ndjango.setup()\nfrom celery_app import app\n"
        "app.loader.import_default_modules()\nprint(json.dumps([name for name in HEAVY if name in sys.modules]))"
    )

    loaded = heavy_modules_after(script)

    assert loaded == [], f"importing the Celery app's task modules loaded {loaded}"


def test_a_web_process_loads_the_model_code_while_it_starts_not_on_the_first_page():
    loaded = heavy_modules_after(
        "import json, sys\nimport config.wsgi\nprint(json.dumps([name for name in HEAVY if name in sys.modules]))"
    )

    assert {"torch", "personalization.recsys.models"} <= set(loaded), loaded
