#!/usr/bin/env bash
# Reproduces the recsys figures on MovieLens-100K: leave-last-out, full ranking, all models.
# The data ships inside the recbole wheel (never committed here); install it without its
# dependencies, which would otherwise pull another torch:
#   .venv/bin/pip install --no-deps recbole==1.2.1
# Extra arguments are passed on, e.g. --threads 1 --progress --json.
set -euo pipefail
cd "$(dirname "$0")/.."
PYTHON="${PYTHON:-.venv/bin/python}"
exec "$PYTHON" -m personalization.recsys.benchmark --dataset ml-100k --model all "$@"
