"""CPU seconds of one SASRec training epoch with and without the item-age term, side by side.

    .venv/bin/python bench/recsys_item_age_cost.py [--generate new-items] [--users 300] [--repeats 3]

Both models are built on the same generated shop and train the same batches (one torch thread);
the passes alternate so that a change of load on the machine touches both. Reported: the fastest
pass of each (process CPU seconds, not wall time) and their ratio.
"""

from __future__ import annotations

import argparse
import os
import sys
import time

import numpy as np
import torch

sys.path.insert(0, os.path.join(os.path.dirname(__file__), ".."))

from personalization.recsys.data import build_dataset  # noqa: E402
from personalization.recsys.generators import SHAPES, generate, shape_named  # noqa: E402
from personalization.recsys.models.sasrec import SASRec, SASRecConfig  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--generate", choices=tuple(SHAPES), default="new-items")
    parser.add_argument("--users", type=int, default=300)
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--batch-size", type=int, default=64)
    args = parser.parse_args()
    torch.set_num_threads(1)
    shop = generate(shape_named(args.generate, users=args.users), seed=0)
    dataset = build_dataset(shop.rows, item_features=shop.item_features)
    models = {}
    for with_age in (False, True):
        model = SASRec(SASRecConfig(item_age=with_age))
        model.prepare_training(dataset)
        models[with_age] = model
    seconds: dict[bool, list[float]] = {False: [], True: []}
    for _ in range(args.repeats):
        for with_age, model in models.items():
            optimiser = torch.optim.AdamW(model.network.parameters())
            started = time.process_time()
            for batch in model.training_batches(np.random.default_rng(0), args.batch_size):
                optimiser.zero_grad()
                model.training_loss(batch).backward()
                optimiser.step()
            seconds[with_age].append(time.process_time() - started)
    plain, aged = min(seconds[False]), min(seconds[True])
    print(f"{args.generate}, {args.users} shoppers, {dataset.n_items} items, load {os.getloadavg()[0]:.1f}")
    print(f"CPU s/epoch without item age {plain:.3f}, with {aged:.3f}: ratio {aged / plain:.2f}x")


if __name__ == "__main__":
    main()
