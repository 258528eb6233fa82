"""Offline benchmark: leave-last-out, full ranking, one table per run.

    python -m personalization.recsys.benchmark --interactions FILE.csv [--model all] [--json]
    python -m personalization.recsys.benchmark --dataset ml-100k --model all

The CSV needs a header with at least ``user_id,item_id,timestamp`` (``event_type`` is used
when present, other columns are ignored). Bad input prints one line on stderr and exits 2.
"""

from __future__ import annotations

import argparse
import ast
import json
import sys
from collections.abc import Sequence
from typing import Any

import torch

from personalization.recsys.data import DataError, build_dataset
from personalization.recsys.models.base import Recommender, TorchRecommender
from personalization.recsys.pipeline import fit_and_evaluate, make_model, split_for_evaluation
from personalization.recsys.sources import SourceError, read_interactions_csv, read_ml100k

MODEL_CHOICES = ("sasrec", "popularity", "covisit", "fbt", "all")
ALL_MODELS = ("popularity", "covisit", "sasrec")
EXIT_BAD_INPUT = 2
# The benchmark's promise is a model trained in under 5 minutes on one CPU thread; on ml-100k
# validation NDCG still creeps up after that, so the run stops after the epoch crossing this.
DEFAULT_MAX_TRAIN_SECONDS = 270.0
COLUMNS = (
    ("HR@10", "HR@10", "{:.4f}"),
    ("NDCG@10", "NDCG@10", "{:.4f}"),
    ("Recall@20", "Recall@20", "{:.4f}"),
    ("MRR", "MRR", "{:.4f}"),
    ("coverage", "coverage@10", "{:.3f}"),
    ("train_s", "train_seconds", "{:.1f}"),
    ("s/epoch", "seconds_per_epoch", "{:.2f}"),
    ("score_ms/user", "score_ms_per_user", "{:.3f}"),
    ("device", "device", "{}"),
)


def parse_args(argv: Sequence[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog="python -m personalization.recsys.benchmark", description=__doc__.split("\n")[0]
    )
    source = parser.add_mutually_exclusive_group(required=True)
    source.add_argument("--interactions", metavar="FILE.csv", help="CSV with user_id,item_id,timestamp[,event_type]")
    source.add_argument("--dataset", choices=("ml-100k",), help="a public data set (ml-100k: from the recbole wheel)")
    parser.add_argument("--model", choices=MODEL_CHOICES, default="all")
    parser.add_argument("--epochs", type=int, default=None, help="maximum epochs for sasrec (default: trainer's)")
    parser.add_argument(
        "--set",
        action="append",
        default=[],
        metavar="KEY=VALUE",
        type=_setting,
        help="a sasrec or trainer config field, e.g. --set dropout=0.5 (repeatable)",
    )
    parser.add_argument(
        "--seed",
        type=int,
        nargs="+",
        default=[0],
        help="one seed, or several: sasrec is trained once per seed and a mean row follows (default 0)",
    )
    parser.add_argument("--device", default="auto", choices=("auto", "cpu", "cuda"))
    parser.add_argument("--threads", type=int, default=None, help="torch CPU threads (default: torch's choice)")
    parser.add_argument(
        "--max-train-seconds",
        type=float,
        default=DEFAULT_MAX_TRAIN_SECONDS,
        help=f"stop sasrec after the epoch crossing this budget (default {DEFAULT_MAX_TRAIN_SECONDS:.0f}; 0: none)",
    )
    parser.add_argument("--progress", action="store_true", help="print one line per epoch on stderr")
    parser.add_argument("--json", action="store_true", help="end with one line of JSON holding every figure")
    return parser.parse_args(argv)


def main(argv: Sequence[str] | None = None) -> int:
    args = parse_args(argv)
    if args.device == "cuda" and not torch.cuda.is_available():
        print("error: --device cuda requested but CUDA is not available", file=sys.stderr)
        return EXIT_BAD_INPUT
    try:
        rows = read_ml100k() if args.dataset else read_interactions_csv(args.interactions)
        dataset = build_dataset(rows)
        split = split_for_evaluation(dataset)
    except (SourceError, DataError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return EXIT_BAD_INPUT
    source = args.dataset or args.interactions
    stats = dataset.stats
    print(
        f"{source}: {stats.users} users, {stats.items} items, {stats.interactions} interactions,"
        f" {len(split.test)} evaluated users; dropped {dict(stats.dropped) or 'nothing'}"
    )
    names = ALL_MODELS if args.model == "all" else (args.model,)
    results: dict[str, dict[str, Any]] = {}
    for name in names:
        per_seed: dict[str, dict[str, Any]] = {}
        for seed in dict.fromkeys(args.seed):
            config: dict[str, Any] = {"seed": seed, "num_threads": args.threads}
            if args.epochs is not None:
                config["epochs"] = args.epochs
            if issubclass(Recommender.registry[name], TorchRecommender):
                config.update(args.set)
            if args.max_train_seconds:
                config["max_seconds"] = args.max_train_seconds
            try:
                model, trainer = make_model(name, config, device=args.device)
            except (TypeError, ValueError) as exc:
                print(f"error: {exc}", file=sys.stderr)
                return EXIT_BAD_INPUT
            progress = _print_progress(name) if args.progress else None
            per_seed[f"{name} seed {seed}"] = fit_and_evaluate(model, split, trainer=trainer, progress=progress)
            if not isinstance(model, TorchRecommender):
                break  # counting models do not depend on the seed
        if len(per_seed) == 1:
            results[name] = next(iter(per_seed.values()))
        else:
            results.update(per_seed)
            results[f"{name} mean"] = mean_of_runs(list(per_seed.values()))
    print(format_table(results))
    if args.json:
        print(json.dumps({"source": source, "snapshot": stats.as_dict(), "results": results}, default=float))
    return 0


def _setting(text: str) -> tuple[str, Any]:
    """``KEY=VALUE`` with VALUE read as a Python literal (0.5, 2, True, "x"), else kept as text."""
    key, sep, value = text.partition("=")
    if not sep or not key:
        raise argparse.ArgumentTypeError(f"expected KEY=VALUE, got {text!r}")
    try:
        return key, ast.literal_eval(value)
    except (ValueError, SyntaxError):
        return key, value


def mean_of_runs(runs: list[dict[str, Any]]) -> dict[str, Any]:
    """The mean of each figure the table shows over runs with different seeds (the device is carried over)."""
    mean: dict[str, Any] = {"device": runs[0].get("device"), "seeds": len(runs)}
    for _, key, _ in COLUMNS:
        values = [run[key] for run in runs if isinstance(run.get(key), int | float)]
        if key != "device" and len(values) == len(runs):
            mean[key] = sum(values) / len(values)
    return mean


def _print_progress(name: str):  # noqa: ANN202
    def report(epoch: int, loss: float, metrics: dict[str, float]) -> None:
        shown = " ".join(f"{k}={metrics[k]:.4f}" for k in ("HR@10", "NDCG@10") if k in metrics)
        print(f"[{name}] epoch {epoch} loss {loss:.4f} {shown}", file=sys.stderr, flush=True)

    return report


def format_table(results: dict[str, dict[str, Any]]) -> str:
    header = ["model", *(title for title, _, _ in COLUMNS)]
    rows = [header]
    for name, metrics in results.items():
        cells = [name]
        for _, key, fmt in COLUMNS:
            value = metrics.get(key)
            cells.append("-" if value is None else fmt.format(value))
        rows.append(cells)
    widths = [max(len(r[i]) for r in rows) for i in range(len(header))]
    return "\n".join(
        "  ".join(c.rjust(w) if i else c.ljust(w) for i, (c, w) in enumerate(zip(r, widths, strict=True))) for r in rows
    )


if __name__ == "__main__":
    sys.exit(main())
