"""Offline benchmark: full ranking, one table per split (leave-last-out and/or a global time split).

    python -m personalization.recsys.benchmark --interactions FILE.csv [--model all] [--json]
    python -m personalization.recsys.benchmark --dataset ml-100k --model all
    python -m personalization.recsys.benchmark --generate chains --split both --seed 0 1 2

The CSV needs a header with at least ``user_id,item_id,timestamp`` (``event_type`` is used
when present, other columns are ignored). ``--generate`` builds a shop-shaped data set with item
features (``generators.py``). ``--model all`` runs popularity, popular in the last 7 days,
co-visitation, item-to-item ridge regression (``ease``), the plain SASRec+ reference
(``sasrec_plain``) and the project's SASRec. Bad input prints one line on stderr and exits 2.
"""

from __future__ import annotations

import argparse
import ast
import json
import sys
from collections.abc import Sequence
from typing import Any

import torch

from personalization.recsys.data import DataError, InteractionDataset, build_dataset
from personalization.recsys.generators import SHAPES, generate, shape_named
from personalization.recsys.models.base import TorchRecommender
from personalization.recsys.pipeline import SPLITS, fit_and_evaluate, make_model, split_for_evaluation
from personalization.recsys.sources import SourceError, read_interactions_csv, read_ml100k

MODEL_CHOICES = ("sasrec", "sasrec_plain", "popularity", "recent_popularity", "covisit", "fbt", "ease", "all")
ALL_MODELS = ("popularity", "recent_popularity", "covisit", "ease", "sasrec_plain", "sasrec")
REFERENCE = "sasrec_plain"
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
    ("novelty", "novelty@10", "{:.2f}"),
    ("brand_gini", "brand_gini@10", "{:.3f}"),
    ("top_brand", "top_brand_share@10", "{:.3f}"),
    ("new_item_HR", "new_item HR@10", "{:.4f}"),
    ("n_new_item", "new_item users", "{:.0f}"),
    ("1-2ev_HR", "one_or_two_events HR@10", "{:.4f}"),
    ("best_ep", "best_epoch", "{:.0f}"),
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
    source.add_argument("--generate", choices=tuple(SHAPES), help="a generated shop of this shape (generators.py)")
    parser.add_argument("--users", type=int, default=None, help="shoppers of a generated shop (default: the shape's)")
    parser.add_argument("--data-seed", type=int, default=0, help="seed of a generated shop (default 0)")
    parser.add_argument(
        "--split",
        choices=(*SPLITS, "both"),
        default="leave-last-out",
        help="leave-last-out (default), time (train before a cut date, test after it) or both",
    )
    parser.add_argument(
        "--history",
        choices=("exclude", "keep"),
        default="exclude",
        help="exclude the user's past items from the ranking (default) or rank them too (repeat purchases)",
    )
    parser.add_argument("--model", choices=MODEL_CHOICES, default="all")
    parser.add_argument("--epochs", type=int, default=None, help="maximum epochs for sasrec (default: trainer's)")
    parser.add_argument(
        "--set",
        action="append",
        default=[],
        metavar="KEY=VALUE",
        type=_setting,
        help="a config field of the project's sasrec or its trainer, e.g. --set dropout=0.5 (repeatable)",
    )
    parser.add_argument(
        "--set-reference",
        action="append",
        default=[],
        metavar="KEY=VALUE",
        type=_setting,
        help="the same for the plain SASRec+ reference (sasrec_plain)",
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
    kinds = SPLITS if args.split == "both" else (args.split,)
    try:
        dataset, source = _load(args)
        splits = {kind: split_for_evaluation(dataset, kind=kind) for kind in kinds}
    except (SourceError, DataError, ValueError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return EXIT_BAD_INPUT
    stats = dataset.stats
    print(
        f"{source}: {stats.users} users, {stats.items} items, {stats.interactions} interactions;"
        f" dropped {dict(stats.dropped) or 'nothing'}"
    )
    names = ALL_MODELS if args.model == "all" else (args.model,)
    by_split: dict[str, dict[str, dict[str, Any]]] = {}
    for kind, split in splits.items():
        print(f"\n{kind}: {len(split.test)} evaluated users, {len(split.validation)} validation users")
        results: dict[str, dict[str, Any]] = {}
        for name in names:
            per_seed: dict[str, dict[str, Any]] = {}
            for seed in dict.fromkeys(args.seed):
                try:
                    model, trainer = make_model(name, _config(args, name, seed), device=args.device)
                except (TypeError, ValueError) as exc:
                    print(f"error: {exc}", file=sys.stderr)
                    return EXIT_BAD_INPUT
                progress = _print_progress(name) if args.progress else None
                run = fit_and_evaluate(
                    model, split, trainer=trainer, progress=progress, exclude_history=args.history == "exclude"
                )
                per_seed[f"{name} seed {seed}"] = _with_segment_columns(run)
                if not isinstance(model, TorchRecommender):
                    break  # counting models do not depend on the seed
            if len(per_seed) == 1:
                results[name] = next(iter(per_seed.values()))
            else:
                results.update(per_seed)
                results[f"{name} mean"] = mean_of_runs(list(per_seed.values()))
        print(format_table(results))
        ratios = format_ratios(results)
        if ratios:
            print(ratios)
        by_split[kind] = results
    if args.json:
        report = {"source": source, "snapshot": stats.as_dict(), "results": by_split[kinds[0]], "splits": by_split}
        print(json.dumps(report, default=float))
    return 0


def _load(args: argparse.Namespace) -> tuple[InteractionDataset, str]:
    if args.generate:
        overrides = {"users": args.users} if args.users is not None else {}
        shop = generate(shape_named(args.generate, **overrides), seed=args.data_seed)
        label = f"generated {args.generate} (data seed {args.data_seed})"
        return build_dataset(shop.rows, item_features=shop.item_features), label
    rows = read_ml100k() if args.dataset else read_interactions_csv(args.interactions)
    return build_dataset(rows), args.dataset or args.interactions


def _config(args: argparse.Namespace, name: str, seed: int) -> dict[str, Any]:
    config: dict[str, Any] = {"seed": seed, "num_threads": args.threads}
    if args.epochs is not None:
        config["epochs"] = args.epochs
    if name == "sasrec":
        config.update(args.set)
    elif name == REFERENCE:
        config.update(args.set_reference)
    if args.max_train_seconds:
        config["max_seconds"] = args.max_train_seconds
    return config


def _with_segment_columns(run: dict[str, Any]) -> dict[str, Any]:
    """The cold-start segments' figures as top-level keys, so the table and the seed means show them."""
    flat = dict(run)
    for segment in ("new_item", "one_or_two_events"):
        for key, value in run.get("segments", {}).get(segment, {}).items():
            flat[f"{segment} {key}"] = value
    return flat


def format_ratios(results: dict[str, dict[str, Any]]) -> str:
    """The project's SASRec against the reference and co-visitation (NDCG@10), and new-item HR@10
    against popularity; one line, empty when those models did not run."""

    def row(name: str) -> dict[str, Any] | None:
        return results.get(f"{name} mean") or results.get(name)

    ours, parts = row("sasrec"), []
    if ours is None:
        return ""
    for other, key in ((REFERENCE, "NDCG@10"), ("covisit", "NDCG@10"), ("popularity", "new_item HR@10")):
        theirs = row(other)
        if theirs and theirs.get(key) and ours.get(key) is not None:
            parts.append(f"sasrec/{other} {key} {ours[key] / theirs[key]:.2f}x")
        elif theirs and ours.get(key) is not None:
            parts.append(f"sasrec/{other} {key}: {other} scores 0")
    return "ratios: " + ", ".join(parts) if parts else ""


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
