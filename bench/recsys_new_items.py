"""Where the project's SASRec ranks targets it never saw in training (new items), before and after its second stage.

    .venv/bin/python bench/recsys_new_items.py [--generate new-items] [--users 600] [--split time] \
        [--seed 0] [--set item_age=False ...]

One generated shop, one model trained to early stopping on one thread. Printed: HR@10 and NDCG@10
over all test users, HR@10 over the ``new_item`` segment, and the ranks (0-based, of the whole
catalogue, the history excluded) of the new targets, with the transformer alone, with its second
stage but no launch slot (``no slot``, when the model holds one) and as served.
The benchmark CLI's new-item HR@10 says whether they reach the top ten; this says how far they are.
"""

from __future__ import annotations

import argparse
import ast
import os
import sys

import numpy as np
import torch

sys.path.insert(0, os.path.join(os.path.dirname(__file__), ".."))

from personalization.recsys.data import build_dataset  # noqa: E402
from personalization.recsys.evaluation import global_time_split, leave_last_out, rank_targets  # noqa: E402
from personalization.recsys.generators import SHAPES, generate, shape_named  # noqa: E402
from personalization.recsys.models.sasrec import SASRec, SASRecConfig  # noqa: E402
from personalization.recsys.trainer import Trainer, TrainerConfig  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--generate", choices=tuple(SHAPES), default="new-items")
    parser.add_argument("--users", type=int, default=600)
    parser.add_argument("--split", choices=("time", "leave-last-out"), default="time")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--set", action="append", default=[], metavar="KEY=VALUE", help="a SASRec or trainer field")
    args = parser.parse_args()
    settings = {}
    for text in args.set:
        key, _, value = text.partition("=")
        try:
            settings[key] = ast.literal_eval(value)
        except (ValueError, SyntaxError):
            settings[key] = value
    trainer_fields = {k: settings.pop(k) for k in list(settings) if k in TrainerConfig.__dataclass_fields__}
    torch.set_num_threads(1)
    shop = generate(shape_named(args.generate, users=args.users), seed=0)
    dataset = build_dataset(shop.rows, item_features=shop.item_features)
    split = global_time_split(dataset) if args.split == "time" else leave_last_out(dataset)
    trainer = Trainer(TrainerConfig(seed=args.seed, num_threads=1, **trainer_fields))
    model = SASRec(SASRecConfig(**settings)).fit(split.train, validation=split.validation, trainer=trainer)
    test = split.test
    new = split.train.item_counts()[test.targets] == 0
    print(
        f"{args.generate}, {args.users} shoppers, {args.split}, seed {args.seed}, {settings or 'defaults'}:"
        f" {len(test)} test users, {int(new.sum())} with a new-item target; load {os.getloadavg()[0]:.1f}"
    )
    rows = [("transformer", model.base_scores(test.histories))]
    stage = model.affinity
    if stage is not None and stage.launch_slots:
        slots, stage.launch_slots = stage.launch_slots, 0
        rows.append(("no slot", model.score(test.histories)))
        stage.launch_slots = slots
    rows.append(("served", model.score(test.histories)))
    for label, scores in rows:
        ranks, _ = rank_targets(np.array(scores, dtype=np.float32), test.histories, test.targets, k=20)
        print(
            f"{label:>11}: HR@10 {np.mean(ranks < 10):.4f}, NDCG@10 {_ndcg(ranks):.4f},"
            f" new-item HR@10 {np.mean(ranks[new] < 10):.4f},"
            f" new-item median rank {np.median(ranks[new]):.0f}, best new-item ranks {sorted(ranks[new].tolist())[:6]}"
        )
    report = model.training_report
    print(f"best epoch {report.best_epoch}, best validation NDCG@10 {report.best_metrics.get('NDCG@10', 0):.4f}")
    if model.affinity_report is not None and model.affinity_report.weights:
        weights = model.affinity_report.weights
        print(f"second stage weights: cold {weights.get('cold')}, fresh {weights.get('fresh')}")


def _ndcg(ranks: np.ndarray) -> float:
    return float(np.mean(np.where(ranks < 10, 1.0 / np.log2(ranks + 2.0), 0.0)))


if __name__ == "__main__":
    main()
