"""Time to quality: the served model (transformer and second stage) against the plain SASRec+ reference.

    .venv/bin/python bench/recsys_time_to_quality.py --generate shop --users 300 --seed 0 1 2
    .venv/bin/python bench/recsys_time_to_quality.py --generate chains --set warmup_epochs=1

Both train in one process, one after the other, on the same split with the same torch threads,
to early stopping (no wall-clock budget). Quality is validation NDCG@10 on the checking half of
the validation users (every second one): the second stage fits its weights on the other half, so
the served model is judged on users it did not fit on, and the reference on the same users.

- The reference's bar: its final model's NDCG@10 there; its time: the wall time at the end of
  the epoch whose weights it keeps (its best), not counting the patience epochs after it.
- The served model's time: at each evaluation, the second stage is fitted on the transformer as
  it stands (as ``stages.AffinityStage`` would if training stopped there); the first evaluation
  at which the two together reach the bar counts the training wall time up to that epoch plus
  that one stage fit. The probes (fitting the stage, scoring the checking half) are kept off both
  clocks.

Printed per seed: both clocks, the ratio (the reference's time over the served model's: above 1,
the served model gets there first) and both models' test NDCG@10; then the mean ratio.
``--set KEY=VALUE`` changes the project's model or its trainer (a schedule to measure).
"""

from __future__ import annotations

import argparse
import ast
import os
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import numpy as np  # noqa: E402
import torch  # noqa: E402

from personalization.recsys.data import build_dataset  # noqa: E402
from personalization.recsys.evaluation import HeldOut, evaluate  # noqa: E402
from personalization.recsys.generators import SHAPES, generate, shape_named  # noqa: E402
from personalization.recsys.models.affinity import AffinityConfig, AffinityReranker, CountsOverTime  # noqa: E402
from personalization.recsys.models.covisitation import CoVisitation  # noqa: E402
from personalization.recsys.pipeline import SPLITS, make_model, split_for_evaluation  # noqa: E402
from personalization.recsys.trainer import held_out_rows  # noqa: E402


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--generate", choices=tuple(SHAPES), default="shop")
    parser.add_argument("--users", type=int, default=300)
    parser.add_argument("--split", choices=SPLITS, default="leave-last-out")
    parser.add_argument("--seed", type=int, nargs="+", default=[0])
    parser.add_argument("--threads", type=int, default=1)
    parser.add_argument("--set", action="append", default=[], metavar="KEY=VALUE", help="the project's model")
    args = parser.parse_args()
    settings = dict(_setting(text) for text in args.set)
    torch.set_num_threads(args.threads)
    shop = generate(shape_named(args.generate, users=args.users), seed=0)
    dataset = build_dataset(shop.rows, item_features=shop.item_features)
    split = split_for_evaluation(dataset, kind=args.split)
    check = held_out_rows(split.validation, np.arange(1, len(split.validation), 2))
    print(
        f"generated {args.generate}, {args.users} shoppers, {args.split}: {len(split.test)} test users,"
        f" {len(check)} checking validation users, {args.threads} thread(s), {settings or 'defaults'};"
        f" load {os.getloadavg()[0]:.1f}"
    )
    ratios = []
    for seed in args.seed:
        reference = run("sasrec_plain", split, check, {"seed": seed})
        bar, reference_at = reference["final"], reference["final_at"]
        served = run("sasrec", split, check, {**settings, "seed": seed})
        reached = next(((t, e) for t, e, ndcg in served["trace"] if ndcg >= bar), None)
        print(
            f"seed {seed}: reference {bar:.4f} at {reference_at:.1f} s (epoch {reference['best_epoch']},"
            f" stopped at {reference['total']:.1f} s, test {reference['test']:.4f});"
            f" served best {served['best']:.4f}, stopped at {served['total']:.1f} s, test {served['test']:.4f}"
        )
        if reached is None:
            print("  the served model never reached the reference's validation NDCG@10")
            continue
        ratios.append(reference_at / reached[0])
        print(
            f"  served reaches {bar:.4f} at {reached[0]:.1f} s (epoch {reached[1]}):"
            f" {ratios[-1]:.2f}x (reference's time over the served model's); load {os.getloadavg()[0]:.1f}"
        )
    if ratios:
        print(f"ratio over {len(ratios)} of {len(args.seed)} seed(s): mean {statistics.mean(ratios):.2f}x")
    return 0


def run(name: str, split, check: HeldOut, config: dict) -> dict:  # noqa: ANN001
    """Train ``name`` to early stopping; the checking half's NDCG@10 as served at each evaluation, off the clock."""
    model, trainer = make_model(name, config, device="cpu")
    served = getattr(model.config, "affinity_rerank", False)
    trace: list[tuple[float, int, float]] = []  # (seconds, epoch, NDCG@10)
    paused = 0.0
    started = time.perf_counter()

    def progress(epoch: int, loss: float, metrics: dict[str, float]) -> None:
        nonlocal paused
        if "NDCG@10" not in metrics:
            return
        clock = time.perf_counter() - started - paused
        probe = time.perf_counter()
        ndcg, stage_seconds = _served_check(model, split, trainer) if served else (_ndcg(model, check), 0.0)
        paused += time.perf_counter() - probe
        trace.append((clock + stage_seconds, epoch, ndcg))

    model.fit(split.train, validation=split.validation, trainer=trainer, progress=progress)
    total = time.perf_counter() - started - paused
    report = model.training_report
    best_at = next(t for t, e, _ in trace if e == report.best_epoch)
    if served:
        final = model.affinity_report.ndcg_reranked if model.affinity is not None else _ndcg(model, check)
    else:
        final = _ndcg(model, check)
    test = evaluate(model, split.test, item_popularity=split.train.item_counts()).metrics["NDCG@10"]
    return {
        "trace": trace,
        "final": final,
        "final_at": best_at,
        "best_epoch": report.best_epoch,
        "best": max(ndcg for _, _, ndcg in trace),
        "total": total,
        "test": test,
    }


def _served_check(model, split, trainer) -> tuple[float, float]:  # noqa: ANN001
    """The second stage fitted now, as ``stages.AffinityStage`` does: its checking-half NDCG@10 and its seconds."""
    started = time.perf_counter()
    dataset, validation = split.train, split.validation
    reranker = AffinityReranker.for_catalog(
        dataset.content,
        dataset.item_counts(),
        dataset.event_weights,
        decay=AffinityConfig.decay,
        transitions=CoVisitation().fit(dataset),
        interactions=CountsOverTime.of(dataset.sequences),
    )
    report = reranker.fit(
        list(validation.histories),
        validation.targets,
        model.base_scores(validation.histories),
        AffinityConfig(seed=trainer.config.seed),
    )
    seconds = time.perf_counter() - started
    return (report.ndcg_reranked if report.used else report.ndcg_base), seconds


def _ndcg(model, held_out: HeldOut) -> float:  # noqa: ANN001
    return evaluate(model, held_out).metrics["NDCG@10"]


def _setting(text: str) -> tuple[str, object]:
    key, _, value = text.partition("=")
    try:
        return key, ast.literal_eval(value)
    except (ValueError, SyntaxError):
        return key, value


if __name__ == "__main__":
    sys.exit(main())
