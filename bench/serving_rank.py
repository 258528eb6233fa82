"""Ranking 10,000 candidate products for one visitor with the sequential model on CPU (target: p50 <= 5 ms).

Measures the serving path itself (history -> model scores -> candidate scores -> order), with
the score cache off so every call computes: the transformer alone, then with the second stage that
trained shop models carry (``affinity.py``: content affinities and co-visitation over the whole
catalogue), interleaved call by call. Prints the p50/p90 of each and the ratio to the target.
"""

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

N_ITEMS, N_USERS, TARGET_MS = 10_000, 2_000, 5.0


def main() -> None:
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
    candidates = list(range(1, N_ITEMS + 1))
    timings: dict[str, list[float]] = {"transformer alone": [], "with the second stage": []}
    with override_settings(CACHES={"default": {"BACKEND": "django.core.cache.backends.dummy.DummyCache"}}):
        for n in range(300):
            history = tuple(int(i) for i in rng.integers(1, N_ITEMS + 1, 30))
            context = ShopperContext(
                unit=f"v:{n}", recent_product_ids=history, recent_event_types=("view",) * len(history)
            )
            for name, affinity in (("transformer alone", None), ("with the second stage", stage)):
                model.affinity = affinity
                started = time.perf_counter()
                order_by_scores(candidates, score_with_model(model, "sasrec", candidates, context=context))
                timings[name].append((time.perf_counter() - started) * 1000)
    for name, measured in timings.items():
        measured = measured[20:]  # warm-up
        p50 = statistics.median(measured)
        p90 = statistics.quantiles(measured, n=10)[-1]
        verdict = "OK" if p50 <= TARGET_MS else "OVER TARGET"
        print(f"rank {N_ITEMS} candidates, sequential model, {name}, CPU 1 thread: p50 {p50:.2f} ms, p90 {p90:.2f} ms")
        print(f"  p50 / target ({TARGET_MS} ms): {p50 / TARGET_MS:.2f}  {verdict}")


if __name__ == "__main__":
    main()
