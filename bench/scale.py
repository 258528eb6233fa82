"""The store at scale, side by side: pages, flush, training and memory at 600 and 100,000 products (or more).

On a scratch PostgreSQL database: migrate, then for each size `manage.py synthetic_store` grows the
store (the 600-product demo store first, then copies of it, older than it; events by COPY) and two
child processes measure it, so each one's peak memory is its own:

- a training worker trains the popularity, co-visitation and SASRec champions (SASRec for
  `--epochs` epochs, through the training task: validation, second stage, evaluation, index),
  then SASRec's epochs alone on all the events, and reports the task's seconds, the seconds per
  epoch, how long `item_features()` took, and its peak RSS;
- a web process (Django's test client, the full middleware and templates) gives a shopper a
  history of five product views in the largest category, then times the category page (page 1
  and a page past the first 2,000 products where the category has them), search (the demo query
  set), the home page with "Picked for you", and a product page: the p50 of `--rounds` requests
  each; then the flush throughput of 50,000 buffered events into the event table; and its peak RSS.

The figures print per size, then as ratios to the first size. Uses Redis database 7 unless --redis.

    nice -n 10 .venv/bin/python bench/scale.py [--sizes 600:20000,100000:1000000] [--rounds 30] [--keep]
        [--database scale_bench]

`--serve-only --database A,B,...` measures the pages again on stores kept by earlier runs (`--keep`),
one serving process per store in turn, so that stores of different sizes are timed at the same load
and after a change of the code, without growing or training them again.

`--serve-only --side-by-side --database A,B,...` times the kept stores in turns instead: one web process
per store, each request of one store followed by the same request of the others (the first store of each
turn rotating), so that a machine whose speed drifts during the run weighs on every store alike; it also
times search with kept matches off (`SHOP_SEARCH_KEEP_MATCHES`), and skips the flush.

`--train-only --database A` runs the SASRec training task once more on a kept store (`--epochs`
epochs, promoted, so that the store's pages use it) under cProfile, and prints where its time went:
the export, the data set, the epochs, validation, the second stage, evaluation, the comparison with
the champion and the index (each phase's cumulative seconds, from the profile), and its peak RSS.

Each size is PRODUCTS:EVENTS (events in the store after growing; never fewer than already there).
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(Path(__file__).resolve().parent))
SCRATCH_DB = "scale_bench"
BROWSER = "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 Chrome/126.0 Safari/537.36"
FLUSH_EVENTS = 50_000
PAGE_FIGURES = ("category_ms", "search_ms", "picked_for_you_ms", "product_ms")
TARGET_RATIO = 1.5  # the target for category, search and product pages at 1M products


def peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # Linux: KiB


def p50_ms(fetch, rounds: int) -> tuple[float, float]:
    """The median wall-clock and CPU milliseconds of `rounds` calls of `fetch`.

    The CPU time is this process's alone (not the database's): on a shared, loaded machine it
    moves far less than the wall clock, which includes waiting for a core.
    """
    fetch()  # warm: plans, caches, the loaded models
    wall, cpu = [], []
    for _ in range(rounds):
        started, started_cpu = time.perf_counter(), time.process_time()
        fetch()
        wall.append((time.perf_counter() - started) * 1000)
        cpu.append((time.process_time() - started_cpu) * 1000)
    return statistics.median(wall), statistics.median(cpu)


def child_train(epochs: int) -> dict:
    from personalization.recommendations.training import model_version_train
    from personalization.recommendations.training_data import interaction_rows, item_features
    from personalization.recsys.data import build_dataset
    from personalization.recsys.pipeline import make_model

    started = time.perf_counter()
    item_features()
    features_seconds = time.perf_counter() - started
    for kind in ("popularity", "covisit"):
        model_version_train(kind=kind, always_promote=True)
    started = time.perf_counter()
    model_version_train(kind="sasrec", epochs=epochs, max_seconds=10_000, always_promote=True)
    task_seconds = time.perf_counter() - started
    # The epochs alone: the task above adds validation, the second stage, evaluation and the index.
    dataset = build_dataset(interaction_rows(), item_features=item_features())
    model, trainer = make_model("sasrec", {"epochs": epochs, "affinity_rerank": False})
    started_cpu = time.process_time()
    model.fit(dataset, trainer=trainer)
    return {
        "item_features_s": features_seconds,
        "sasrec_s_per_epoch": model.training_report.seconds_per_epoch,
        "sasrec_cpu_s_per_epoch": (time.process_time() - started_cpu) / model.training_report.epochs,
        "sasrec_task_s": task_seconds,
        "training_rss_mb": peak_rss_mb(),
    }


# The training task's phases: (label, function, caller or None for every caller), by cProfile's cumulative time;
# a function is "name" or "file.py:name". A phase's seconds include what it calls: nested phases are not to be added.
TRAINING_PHASES = (
    ("export: interaction_rows()", "training_data.py:interaction_rows", None),
    ("item_features()", "training_data.py:item_features", None),
    ("build_dataset()", "data.py:build_dataset", "model_version_train"),
    ("choice_rows()", "training_data.py:choice_rows", None),
    ("split_for_evaluation()", "pipeline.py:split_for_evaluation", None),
    ("Trainer.train: epochs and validation", "trainer.py:train", "fit"),
    ("  validation while training (evaluate)", "evaluation.py:evaluate", "train"),
    ("  the epochs' losses (training_loss)", "model.py:training_loss", None),
    ("  backward passes", "backward", "train"),
    ("second stage (AffinityStage.run)", "stages.py:run", "fit"),
    ("  base scores of the validation users", "model.py:base_scores", "run"),
    ("  CoVisitation.fit", "covisitation.py:fit", "run"),
    ("  ItemRegression.fit", "regression.py:fit", "run"),
    ("  AffinityReranker.fit", "affinity.py:fit", "run"),
    ("final evaluation (evaluate)", "evaluation.py:evaluate", "fit_and_evaluate"),
    ("score_ms_per_user", "pipeline.py:score_ms_per_user", None),
    ("serve_ms_one_visitor", "pipeline.py:serve_ms_one_visitor", None),
    ("comparison with the champion", "training.py:_compare_with_champion", None),
    ("artifact: to_bytes()", "to_bytes", "model_version_train"),
    ("retrieval index (model_version_index)", "retrieval.py:model_version_index", None),
)


def _phase_seconds(stats, function: str, caller: str | None) -> float:
    """Cumulative seconds of `function` ("name" or "file.py:name"), from callers called `caller` when given."""
    filename, _, name = function.rpartition(":")
    total = 0.0
    for (path, _, called), (_, _, _, cumulative, callers) in stats.stats.items():
        if called != name or (filename and not path.endswith(f"/{filename}")):
            continue
        if caller is None:
            total += cumulative
        else:
            total += sum(entry[3] for (_, _, who), entry in callers.items() if who == caller)
    return total


def child_train_sasrec(epochs: int) -> dict:
    """One SASRec training task on the store as it is, profiled; its phases' seconds."""
    import cProfile
    import pstats

    from personalization.recommendations.training import model_version_train

    profile = cProfile.Profile()
    started, started_cpu = time.perf_counter(), time.process_time()
    profile.enable()
    version = model_version_train(kind="sasrec", epochs=epochs, max_seconds=10_000, always_promote=True)
    profile.disable()
    figures = {
        "sasrec_task_s": time.perf_counter() - started,
        "sasrec_task_cpu_s": time.process_time() - started_cpu,
        "training_rss_mb": peak_rss_mb(),
        "version": version.pk,
        "users": version.metrics.get("users"),
        "held_out_users": version.metrics.get("held_out_users"),
        "NDCG@10": version.metrics.get("NDCG@10"),
    }
    stats = pstats.Stats(profile)
    phases = {label: round(_phase_seconds(stats, name, caller), 2) for label, name, caller in TRAINING_PHASES}
    figures["phases"] = phases
    profile.dump_stats(f"/tmp/scale-train-{os.getpid()}.prof")
    return figures


def _serve_setup() -> tuple[dict, list, list, dict]:
    """A shopper with a history of five product views in the largest category, and the pages to time for them.

    Returns the pages (name -> fetch, None where the store has no such page), one search fetch per demo
    query, the same searches with kept matches off (`SHOP_SEARCH_KEEP_MATCHES`), and the store's figures.
    """
    from django.db.models import Count
    from django.test import Client, override_settings
    from django.urls import reverse

    from shop.models import Category, Product
    from shop.search.quality import read_queries

    category = Category.objects.annotate(n=Count("products")).order_by("-n").first()
    client = Client(HTTP_USER_AGENT=BROWSER)
    history = list(Product.objects.filter(category=category, is_active=True, stock__gt=0).order_by("pk")[:5])
    for product in history:
        assert client.get(product.get_absolute_url()).status_code == 200
    # Stored as a worker's flush would within seconds: the shopper's recent list in Redis keeps their last
    # events of every kind, so without it the timed pages' own page views push the product views out of it
    # and the later requests are served without a history (not personalized) on every store alike.
    from personalization.tracking.services import events_flush

    events_flush()
    product_url = history[0].get_absolute_url()
    category_url = category.get_absolute_url()
    size = Product.objects.filter(category=category, is_active=True).count()
    deep_page = 2000 // 24 + 2

    def get(url: str, **params) -> None:
        response = client.get(url, params)
        assert response.status_code == 200, (url, response.status_code)

    def search(query: str) -> None:
        get(reverse("shop:search"), q=query)

    def search_unkept(query: str) -> None:
        with override_settings(SHOP_SEARCH_KEEP_MATCHES=False):
            search(query)

    queries = [query for query, _ in read_queries()][:20]
    pages = {
        "category": lambda: get(category_url),
        "category_deep": (lambda: get(category_url, page=deep_page)) if size > 2100 else None,
        "picked_for_you": lambda: get(reverse("shop:home")),
        "product": lambda: get(product_url),
    }
    searches = [lambda q=q: search(q) for q in queries]
    unkept = [lambda q=q: search_unkept(q) for q in queries]
    return pages, searches, unkept, {"category_products": size}


def child_serve(rounds: int) -> dict:
    pages, searches, _, figures = _serve_setup()
    search_rounds = max(1, rounds // 4)
    for name, fetch in pages.items():
        figures[f"{name}_ms"], figures[f"{name}_cpu_ms"] = p50_ms(fetch, rounds) if fetch else (None, None)
    timed = [p50_ms(fetch, search_rounds) for fetch in searches]
    figures["search_ms"] = statistics.median(wall for wall, _ in timed)
    figures["search_cpu_ms"] = statistics.median(cpu for _, cpu in timed)
    figures["web_rss_mb"] = peak_rss_mb()
    figures["flush_events_per_s"] = flush_throughput()
    return figures


def child_serve_loop(_: int) -> dict:
    """Time one request at a time, as the parent asks on stdin (`page NAME`, `search I`, `unkept I`, `end`).

    Answers each with a line `@@[wall ms, CPU ms]` (`@@null` for a page the store does not have).
    """
    pages, searches, unkept, figures = _serve_setup()
    for fetch in [*pages.values(), *searches, *unkept]:  # warm: plans, caches, the loaded models
        if fetch is not None:
            fetch()
    print(f"@@ready {len(searches)}", flush=True)
    for line in sys.stdin:
        kind, _, name = line.strip().partition(" ")
        if kind == "end":
            break
        fetch = pages.get(name) if kind == "page" else (searches if kind == "search" else unkept)[int(name)]
        if fetch is None:
            print("@@null", flush=True)
            continue
        started, started_cpu = time.perf_counter(), time.process_time()
        fetch()
        timed = [(time.perf_counter() - started) * 1000, (time.process_time() - started_cpu) * 1000]
        print(f"@@{json.dumps(timed)}", flush=True)
    figures["web_rss_mb"] = peak_rss_mb()
    return figures


def serve_side_by_side(args) -> int:
    """The pages of kept stores timed in turns: one web process per store, each request of one store followed
    by the same request of the others (the first store of each turn rotating), so that a machine whose speed
    drifts during the run (other jobs, a slower phase) weighs on every store alike."""
    databases = args.database.split(",")
    children = []
    for database in databases:
        command = [sys.executable, __file__, "--child", "serve-loop"]
        children.append(
            subprocess.Popen(
                command,
                env=environment(args, database),
                cwd=ROOT,
                stdin=subprocess.PIPE,
                stdout=subprocess.PIPE,
                text=True,
            )
        )

    def answer(child) -> str:
        for line in child.stdout:
            if line.startswith("@@"):
                return line[2:].strip()
        raise SystemExit(f"a serving child stopped early (exit {child.wait()})")

    queries = {int(answer(child).split()[1]) for child in children}
    assert len(queries) == 1, "the stores' children read different query sets"
    n_queries = queries.pop()
    timings: list[dict[str, list]] = [{} for _ in children]

    def turn(ask: str, label: str, index: int) -> None:
        order = list(range(len(children)))
        order = order[index % len(order) :] + order[: index % len(order)]
        for i in order:
            children[i].stdin.write(ask + "\n")
            children[i].stdin.flush()
            timed = json.loads(answer(children[i]))
            if timed is not None:
                timings[i].setdefault(label, []).append(timed)

    for round_ in range(args.rounds):
        for name in ("category", "category_deep", "picked_for_you", "product"):
            turn(f"page {name}", name, round_)
    for round_ in range(max(1, args.rounds // 4)):
        for query in range(n_queries):
            turn(f"search {query}", f"search {query}", round_ + query)
            turn(f"unkept {query}", f"unkept {query}", round_ + query)
    results = []
    for database, child, timed in zip(databases, children, timings, strict=True):
        child.stdin.write("end\n")
        child.stdin.close()
        figures = json.loads(child.stdout.read().strip().splitlines()[-1])
        child.wait()
        for name in ("category", "category_deep", "picked_for_you", "product"):
            walls = [wall for wall, _ in timed.get(name, [])]
            cpus = [cpu for _, cpu in timed.get(name, [])]
            figures[f"{name}_ms"] = statistics.median(walls) if walls else None
            figures[f"{name}_cpu_ms"] = statistics.median(cpus) if cpus else None
        for kind, key in (("search", "search"), ("unkept", "search_unkept")):
            per_query = [timed[f"{kind} {q}"] for q in range(n_queries)]
            figures[f"{key}_ms"] = statistics.median(statistics.median(w for w, _ in t) for t in per_query)
            figures[f"{key}_cpu_ms"] = statistics.median(statistics.median(c for _, c in t) for t in per_query)
        results.append((_product_count(args, database), event_count(environment(args, database)), figures))
        print(f"{database}: {json.dumps(figures)}", flush=True)
    print_table(results)
    return 0


def _product_count(args, database: str) -> int:
    import psycopg

    with psycopg.connect(environment(args, database)["DATABASE_URL"]) as connection:
        return connection.execute("SELECT count(*) FROM shop_product").fetchone()[0]


def flush_throughput() -> float:
    from tracking_flush import timed_flush

    from shop.models import Product

    products = list(Product.objects.order_by("?").values_list("pk", flat=True)[:500])
    return timed_flush(FLUSH_EVENTS, products, prefix="scale-bench-")


def run_child(mode: str, env: dict, argument: int) -> dict:
    command = [sys.executable, __file__, "--child", mode, "--child-argument", str(argument)]
    done = subprocess.run(command, env=env, cwd=ROOT, capture_output=True, text=True)
    if done.returncode != 0:
        raise SystemExit(f"{mode} child failed:\n{done.stdout[-3000:]}\n{done.stderr[-5000:]}")
    return json.loads(done.stdout.strip().splitlines()[-1])


def manage(env: dict, *args: str) -> str:
    done = subprocess.run([sys.executable, "manage.py", *args], env=env, cwd=ROOT, capture_output=True, text=True)
    if done.returncode != 0:
        raise SystemExit(f"manage.py {' '.join(args)} failed:\n{done.stderr[-5000:]}")
    return done.stdout


def event_count(env: dict) -> int:
    import psycopg

    with psycopg.connect(env["DATABASE_URL"]) as connection:
        return connection.execute("SELECT count(*) FROM tracking_event").fetchone()[0]


def drop_scratch_database(server: str, name: str) -> None:
    import psycopg

    with psycopg.connect(f"{server}/postgres", autocommit=True) as connection:
        connection.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--server", default="postgres://postgres@127.0.0.1:5432")
    parser.add_argument("--redis", default="redis://127.0.0.1:6379/7")
    parser.add_argument("--sizes", default="600:20000,100000:1000000", help="PRODUCTS:EVENTS,...")
    parser.add_argument("--rounds", type=int, default=30, help="requests per page figure")
    parser.add_argument("--epochs", type=int, default=1, help="SASRec epochs per training run")
    parser.add_argument("--keep", action="store_true", help="keep the scratch database")
    parser.add_argument("--database", default=SCRATCH_DB, help="the scratch database's name (dropped first)")
    parser.add_argument("--serve-only", action="store_true", help="time the pages of kept stores (--database A,B)")
    parser.add_argument("--train-only", action="store_true", help="profile SASRec's task (--database A)")
    parser.add_argument(
        "--side-by-side", action="store_true", help="with --serve-only: the stores' requests in turns (see above)"
    )
    parser.add_argument("--child", choices=("train", "serve", "serve-loop", "train-sasrec"), help=argparse.SUPPRESS)
    parser.add_argument("--child-argument", type=int, default=0, help=argparse.SUPPRESS)
    args = parser.parse_args()

    if args.child:
        sys.path.insert(0, str(ROOT))
        os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
        import django

        django.setup()
        children = {
            "train": child_train,
            "serve": child_serve,
            "serve-loop": child_serve_loop,
            "train-sasrec": child_train_sasrec,
        }
        figures = children[args.child](args.child_argument)
        print(json.dumps(figures))
        return 0

    from _scratch_database import create_database

    if args.serve_only:
        return serve_side_by_side(args) if args.side_by_side else serve_only(args)
    if args.train_only:
        return train_only(args)
    sizes = [tuple(int(n) for n in size.split(":")) for size in args.sizes.split(",")]
    env = environment(args, args.database)
    create_database(args.server, args.database)
    results: list[tuple[int, int, dict]] = []
    try:
        manage(env, "migrate", "--noinput", "-v", "0")
        for products, events in sizes:
            started = time.perf_counter()
            have = event_count(env) if results else 0
            print(manage(env, "synthetic_store", "--products", str(products), "--events", str(max(0, events - have))))
            grown = time.perf_counter() - started
            figures = {"grow_s": grown, **run_child("train", env, args.epochs), **run_child("serve", env, args.rounds)}
            results.append((products, event_count(env), figures))
            print(f"{products:,} products, {results[-1][1]:,} events: {json.dumps(figures)}", flush=True)
    finally:
        if not args.keep:
            drop_scratch_database(args.server, args.database)
    print_table(results)
    return 0


def environment(args, database: str) -> dict:
    return {
        **os.environ,
        "DATABASE_URL": f"{args.server}/{database}",
        "REDIS_URL": args.redis,
        # Stores measured one after the other share the Redis database: each keeps its own cached versions and
        # values (a catalogue version token, or a kept count, of one store would otherwise be read by the other).
        "CACHE_KEY_PREFIX": f"scale-{database}",
        "DJANGO_SETTINGS_MODULE": "config.settings",
        "DEBUG": "1",
        "MEDIA_ROOT": f"/tmp/{database}-media",
    }


def serve_only(args) -> int:
    results = []
    for database in args.database.split(","):
        env = environment(args, database)
        figures = run_child("serve", env, args.rounds)
        results.append((_product_count(args, database), event_count(env), figures))
        print(f"{database}: {results[-1][0]:,} products, {results[-1][1]:,} events: {json.dumps(figures)}", flush=True)
    print_table(results)
    return 0


def train_only(args) -> int:
    env = environment(args, args.database)
    figures = run_child("train-sasrec", env, args.epochs)
    phases = figures.pop("phases")
    print(f"{args.database}: {json.dumps(figures)}")
    for label, seconds in phases.items():
        print(f"{label:44}{seconds:>10,.1f} s")
    print(f"load average at the end: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
    return 0


def print_table(results: list[tuple[int, int, dict]]) -> None:
    base = results[0][2]
    rows = [
        ("category page p50 (ms)", "category_ms"),
        ("  CPU of the web process (ms)", "category_cpu_ms"),
        ("category page past 2,000 p50 (ms)", "category_deep_ms"),
        ("  CPU of the web process (ms)", "category_deep_cpu_ms"),
        ("search p50 (ms)", "search_ms"),
        ("  CPU of the web process (ms)", "search_cpu_ms"),
        ("search, matches not kept, p50 (ms)", "search_unkept_ms"),
        ("  CPU of the web process (ms)", "search_unkept_cpu_ms"),
        ('home with "Picked for you" p50 (ms)', "picked_for_you_ms"),
        ("  CPU of the web process (ms)", "picked_for_you_cpu_ms"),
        ("product page p50 (ms)", "product_ms"),
        ("  CPU of the web process (ms)", "product_cpu_ms"),
        ("flush (events/s)", "flush_events_per_s"),
        ("SASRec s/epoch", "sasrec_s_per_epoch"),
        ("  CPU s/epoch", "sasrec_cpu_s_per_epoch"),
        ("SASRec training task s", "sasrec_task_s"),
        ("item_features() s", "item_features_s"),
        ("web process peak RSS (MB)", "web_rss_mb"),
        ("training peak RSS (MB)", "training_rss_mb"),
    ]
    header = "".join(f"{f'{p:,} p / {e:,} ev':>28}" for p, e, _ in results)
    print(f"\n{'':38}{header}")
    for label, key in rows:
        cells = []
        for _, _, figures in results:
            value, first = figures.get(key), base.get(key)
            if value is None:
                cells.append(f"{'-':>28}")
            elif first and figures is not base:
                cells.append(f"{f'{value:,.1f} ({value / first:.2f}x)':>28}")
            else:
                cells.append(f"{value:>28,.1f}")
        print(f"{label:38}{''.join(cells)}")
    worst = max(
        (r[2][k] / base[k] for r in results[1:] for k in PAGE_FIGURES if r[2].get(k) and base.get(k)), default=0
    )
    if worst:
        print(f"\nworst page ratio to {results[0][0]:,} products: {worst:.2f}x (target <= {TARGET_RATIO}x at 1M)")
    print(f"load average at the end: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")


if __name__ == "__main__":
    sys.exit(main())
