"""Ranking 10,000 candidate products for one visitor with the sequential model on CPU (target: p50 <= 5 ms).

Measures the serving path itself (history -> model scores -> candidate scores -> order), with
the score cache off so every call computes: the transformer alone, then with the second stage that
trained shop models carry (``affinity.py``: content affinities and co-visitation over the whole
catalogue), interleaved call by call. Prints the p50/p90 of each and the ratio to the target.

    .venv/bin/python bench/serving_rank.py [--items 10000] [--candidates N]

With ``--candidates`` (a list of N random products, as a category page ranks) it also times the
path a catalogue above PERSONALIZATION_WHOLE_CATALOGUE_SCORES_MAX_ITEMS takes (the candidates
alone, ``SASRec.score_items``) against scoring the whole catalogue, side by side, and prints their
ratio; e.g. ``--items 1000000 --candidates 500``.
"""

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
os.environ.setdefault("REDIS_URL", "")

import django  # noqa: E402

django.setup()

import torch  # noqa: E402
from django.test.utils import override_settings  # noqa: E402

from personalization.recsys.data import build_dataset  # noqa: E402
from personalization.recsys.models.affinity import AffinityReranker  # noqa: E402
from personalization.recsys.models.covisitation import CoVisitation  # noqa: E402
from personalization.recsys.models.sasrec import SASRec  # noqa: E402
from personalization.recsys.trainer import Trainer, TrainerConfig  # noqa: E402
from personalization.serving.context import ShopperContext  # noqa: E402
from personalization.serving.ranking import order_by_scores, score_with_model  # noqa: E402

N_USERS, TARGET_MS = 2_000, 5.0


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--items", type=int, default=10_000, help="catalogue size (default 10,000)")
    parser.add_argument("--candidates", type=int, default=None, help="a list of this many products (default all)")
    args = parser.parse_args()
    N_ITEMS = args.items
    torch.set_num_threads(1)  # one web worker's share of a 2-core machine
    rng = np.random.default_rng(0)
    rows = [(u, int(item), t) for u in range(N_USERS) for t, item in enumerate(rng.integers(1, N_ITEMS + 1, 20))]
    features = {
        i: {"category": i % 40, "brand": i % 90, "price": float(5 + i % 500), "title": f"product {i}"}
        for i in range(1, N_ITEMS + 1)
    }
    dataset = build_dataset(rows, item_features=features)
    model = SASRec().fit(dataset, trainer=Trainer(TrainerConfig(epochs=1, device="cpu")))
    # Random data gives a fitted stage nothing to learn: the stage is attached with its neutral
    # weights, which costs the same to compute as fitted ones.
    stage = AffinityReranker.for_catalog(
        dataset.content,
        dataset.item_counts(),
        dataset.event_weights,
        decay=0.9,
        transitions=CoVisitation().fit(dataset),
    )
    if args.candidates:
        candidates = sorted(int(i) for i in rng.choice(np.arange(1, N_ITEMS + 1), args.candidates, replace=False))
    else:
        candidates = list(range(1, N_ITEMS + 1))
    # (name, second stage, the most items the serving layer scores whole for this path)
    paths = [("transformer alone", None, N_ITEMS), ("with the second stage", stage, N_ITEMS)]
    if args.candidates:
        paths.append(("with the second stage, candidates alone", stage, 0))
    timings: dict[str, list[float]] = {name: [] for name, _, _ in paths}
    with override_settings(CACHES={"default": {"BACKEND": "django.core.cache.backends.dummy.DummyCache"}}):
        for n in range(300):
            history = tuple(int(i) for i in rng.integers(1, N_ITEMS + 1, 30))
            context = ShopperContext(
                unit=f"v:{n}", recent_product_ids=history, recent_event_types=("view",) * len(history)
            )
            for name, affinity, whole_up_to in paths:
                model.affinity = affinity
                with override_settings(PERSONALIZATION_WHOLE_CATALOGUE_SCORES_MAX_ITEMS=whole_up_to):
                    started = time.perf_counter()
                    order_by_scores(candidates, score_with_model(model, "sasrec", candidates, context=context))
                    timings[name].append((time.perf_counter() - started) * 1000)
    p50s = {}
    for name, measured in timings.items():
        measured = measured[20:]  # warm-up
        p50s[name] = p50 = statistics.median(measured)
        p90 = statistics.quantiles(measured, n=10)[-1]
        verdict = "OK" if p50 <= TARGET_MS else "OVER TARGET"
        print(
            f"rank {len(candidates)} candidates of {N_ITEMS} items, sequential model, {name}, CPU 1 thread:"
            f" p50 {p50:.2f} ms, p90 {p90:.2f} ms"
        )
        print(f"  p50 / target ({TARGET_MS} ms): {p50 / TARGET_MS:.2f}  {verdict}")
    if args.candidates:
        whole, alone = p50s["with the second stage"], p50s["with the second stage, candidates alone"]
        print(f"whole catalogue / candidates alone (second stage, p50): {whole / alone:.1f}x")


if __name__ == "__main__":
    main()
