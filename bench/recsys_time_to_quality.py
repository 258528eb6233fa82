"""Time to quality: the project's SASRec against the plain SASRec+ reference, side by side in one process.

Both train on the same split with the same torch threads, to early stopping (no wall-clock budget).
The reference goes first; its best validation NDCG@10 is the bar. The project's model then trains
and the script notes the wall time at which its transformer's validation NDCG@10 first reaches that
bar (measured before its second stage, so the figure is conservative). Prints both runs, the ratio
of the reference's time to its best epoch over the project's time to the bar, and both models' test
NDCG@10 (the project's with its second stage, as served).

    .venv/bin/python bench/recsys_time_to_quality.py                 # generated chains, 300 shoppers
    .venv/bin/python bench/recsys_time_to_quality.py --generate shop --users 2000 --seed 0 1 2
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import torch  # noqa: E402

from personalization.recsys.data import build_dataset  # noqa: E402
from personalization.recsys.evaluation import evaluate  # noqa: E402
from personalization.recsys.generators import SHAPES, generate, shape_named  # noqa: E402
from personalization.recsys.pipeline import SPLITS, make_model, split_for_evaluation  # noqa: E402
from personalization.recsys.sources import read_ml100k  # noqa: E402


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--generate", choices=tuple(SHAPES), default="chains")
    parser.add_argument("--dataset", choices=("ml-100k",), help="instead of a generated shop")
    parser.add_argument("--users", type=int, default=300)
    parser.add_argument("--split", choices=SPLITS, default="leave-last-out")
    parser.add_argument("--seed", type=int, nargs="+", default=[0])
    parser.add_argument("--threads", type=int, default=1)
    args = parser.parse_args()
    torch.set_num_threads(args.threads)
    if args.dataset:
        dataset, source = build_dataset(read_ml100k()), args.dataset
    else:
        shop = generate(shape_named(args.generate, users=args.users), seed=0)
        dataset, source = build_dataset(shop.rows, item_features=shop.item_features), f"generated {args.generate}"
    split = split_for_evaluation(dataset, kind=args.split)
    print(f"{source}, {args.split}: {len(split.test)} evaluated users, {args.threads} thread(s)")
    ratios = []
    for seed in args.seed:
        reference = run("sasrec_plain", split, seed, bar=None)
        ours = run("sasrec", split, seed, bar=reference["best_ndcg"])
        print(
            f"seed {seed}: reference best val NDCG@10 {reference['best_ndcg']:.4f} at {reference['best_at']:.1f} s"
            f" (stopped at {reference['total']:.1f} s, test {reference['test_ndcg']:.4f});"
            f" project reaches it at {_seconds(ours['reached_at'])}"
            f" (best val {ours['best_ndcg']:.4f}, stopped at {ours['total']:.1f} s,"
            f" served test {ours['test_ndcg']:.4f})"
        )
        if ours["reached_at"] is not None:
            ratios.append(reference["best_at"] / ours["reached_at"])
            print(f"  time to the reference's quality: {ratios[-1]:.2f}x faster than the reference took")
        else:
            print("  the project's transformer never reached the reference's validation NDCG@10")
    if len(ratios) > 1:
        print(f"mean speed-up over {len(ratios)} seeds: {statistics.mean(ratios):.2f}x")
    return 0


def run(name: str, split, seed: int, *, bar: float | None) -> dict:  # noqa: ANN001
    model, trainer = make_model(name, {"seed": seed}, device="cpu")
    trace: list[tuple[float, float]] = []
    started = time.perf_counter()

    def progress(epoch: int, loss: float, metrics: dict[str, float]) -> None:
        if "NDCG@10" in metrics:
            trace.append((time.perf_counter() - started, metrics["NDCG@10"]))

    model.fit(split.train, validation=split.validation, trainer=trainer, progress=progress)
    total = time.perf_counter() - started
    best_at, best = max(trace, key=lambda point: (point[1], -point[0]))
    reached = next((t for t, ndcg in trace if bar is not None and ndcg >= bar), None)
    test = evaluate(model, split.test, item_popularity=split.train.item_counts()).metrics["NDCG@10"]
    return {"best_ndcg": best, "best_at": best_at, "total": total, "reached_at": reached, "test_ndcg": test}


def _seconds(value: float | None) -> str:
    return "never" if value is None else f"{value:.1f} s"


if __name__ == "__main__":
    sys.exit(main())
