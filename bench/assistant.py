"""The offline assistant's reply time: p50 and p90 of POST /api/v1/assistant/messages over the test set.

Creates a scratch PostgreSQL database, migrates it, loads the demo store (600 products, no images),
warms the process (catalogue words, intent model, ranking model) with one message, then posts every
message of `personalization/assistant/evaluation/testset.json` in its conversation, in order, as an
anonymous visitor through the Django test client (the whole request: middleware, throttles, the turn's
writes). Prints p50 and p90 and the p50's ratio to the 300 ms target. Drops the database unless --keep.

    nice -n 10 .venv/bin/python bench/assistant.py [--keep] [--server postgres://postgres@127.0.0.1:5432]
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import time
from pathlib import Path

from _scratch_database import create_database, drop_database

SCRATCH_DB = "assistant_bench"
TARGET_MS = 300.0


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--server", default="postgres://postgres@127.0.0.1:5432")
    parser.add_argument("--keep", action="store_true")
    args = parser.parse_args()

    root = Path(__file__).resolve().parent.parent
    sys.path.insert(0, str(root))
    os.environ["DATABASE_URL"] = f"{args.server}/{SCRATCH_DB}"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    # Many messages from one visitor: the per-visitor limit would answer 429 after 30 of them.
    os.environ["API_THROTTLE_ASSISTANT"] = "100000/minute"
    os.environ["API_THROTTLE_ASSISTANT_ADDRESS"] = "100000/minute"
    create_database(args.server, SCRATCH_DB)
    import django

    django.setup()
    from django.core.management import call_command
    from django.test import Client

    from demo.store.loader import demo_store_load

    try:
        call_command("migrate", verbosity=0)
        demo_store_load(product_count=600, seed=42, with_images=False)
        testset = json.loads((root / "personalization/assistant/evaluation/testset.json").read_text())
        client = Client()
        warm = time.perf_counter()
        client.post("/api/v1/assistant/messages", {"message": "hello"}, content_type="application/json")
        print(f"first message (loads words and models): {1000 * (time.perf_counter() - warm):.0f} ms")
        timings = []
        for dialogue in testset["dialogues"]:
            conversation = None
            for turn in dialogue["turns"]:
                body = {"message": turn["message"].format(PENDING="1042", SHIPPED="1043", FOREIGN="1044")}
                body["language"] = dialogue["language"]
                if conversation:
                    body["conversation"] = conversation
                started = time.perf_counter()
                response = client.post("/api/v1/assistant/messages", body, content_type="application/json")
                timings.append(1000 * (time.perf_counter() - started))
                assert response.status_code == 200, response.content
                conversation = response.json()["conversation"]
        timings.sort()
        p50 = statistics.median(timings)
        p90 = timings[int(0.9 * (len(timings) - 1))]
        print(f"{len(timings)} messages: p50 {p50:.1f} ms, p90 {p90:.1f} ms")
        verdict = "met" if p50 < TARGET_MS else "NOT met"
        print(f"p50 / target: {p50 / TARGET_MS:.2f} (target < {TARGET_MS:.0f} ms): {verdict}")
    finally:
        if not args.keep:
            drop_database(args.server, SCRATCH_DB)
    return 0


if __name__ == "__main__":
    sys.exit(main())
