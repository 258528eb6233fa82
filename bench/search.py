"""Search on PostgreSQL: p50 of the demo query set on the 600-product store and on a 100,000-product catalogue.

Creates a scratch database, migrates it, loads the demo store (600 products, no images), times every
query of `shop/search/queries/demo_queries.tsv` (5 runs each: their median and their fastest, then the
median over queries), then grows the catalogue to 100,000 products inside PostgreSQL (copies of the
demo products with their search documents, INSERT ... SELECT) and times the same queries again. Prints
both and the ratios (target: at most 2x). Drops the scratch database at the end unless --keep.

Both catalogues are timed after VACUUM ANALYZE, as autovacuum leaves a live one: right after a bulk
insert, each GIN index still holds its pending list (up to gin_pending_list_limit, 4 MB), which every
search scans in full until a vacuum merges it.

Beside each p50 it prints the CPU one search costs this process and the PostgreSQL backend (read from
/proc when the server runs on this machine): on a shared machine the wall time is mostly waiting for a
core between round trips, so runs at different loads are compared by CPU. --explain adds, per statement
of a search, PostgreSQL's own planning and execution time (EXPLAIN ANALYZE).

    .venv/bin/python bench/search.py [--keep] [--explain] [--products 100000] [--database search_bench]
        [--server postgres://postgres@127.0.0.1:5432]
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

from _scratch_database import create_database, drop_database

SCRATCH_DB = "search_bench"
TARGET_RATIO = 2.0
RUNS = 5


def grow_catalogue(target: int) -> int:
    """Copies of the demo products (new SKU and slug) and of their documents, until `target` products."""
    from django.db import connection

    from shop.models import Product

    # Every column the product has today (translations, ratings...), but a new id, SKU and slug.
    copied = [f.column for f in Product._meta.concrete_fields if f.column not in ("id", "slug", "sku")]
    columns = ", ".join(copied)
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM shop_product")
        (base,) = cursor.fetchone()
        copies = max(0, -(-target // base) - 1)
        cursor.execute(
            f"""INSERT INTO shop_product (slug, sku, {columns})
                SELECT slug || '-c' || g, sku || '-C' || g, {columns}
                FROM shop_product, generate_series(1, %s) g WHERE sku NOT LIKE '%%-C%%'""",
            [copies],
        )
        cursor.execute(
            """INSERT INTO shop_searchdocument (product_id, language, tokens_a, tokens_b, tokens_c, tokens_d, vector,
                   head_vector, updated_at)
               SELECT copy.id, d.language, d.tokens_a, d.tokens_b, d.tokens_c, d.tokens_d, d.vector, d.head_vector,
                   d.updated_at
               FROM shop_product copy
               JOIN shop_product original ON original.sku = regexp_replace(copy.sku, '-C[0-9]+$', '')
               JOIN shop_searchdocument d ON d.product_id = original.id
               WHERE copy.sku ~ '-C[0-9]+$'"""
        )
        cursor.execute("SELECT count(*) FROM shop_product")
        return cursor.fetchone()[0]


def vacuum() -> None:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE")


def search(query: str) -> None:
    from shop.search.selectors import product_search_results
    from shop.selectors import product_list

    results = product_search_results(query=query, products=product_list(), sort_by_relevance=True)
    list(results.products[:24])  # the first page, as the listing shows it


def p50_ms(queries: list[str]) -> tuple[float, float]:
    """The median over queries of each query's median of RUNS, and of each query's fastest run.

    The fastest run is what the query costs without the other processes of a shared machine (timeit's
    rule); the median includes their noise. Both are printed, for both catalogues.
    """

    def once(query: str) -> float:
        started = time.perf_counter()
        search(query)
        return time.perf_counter() - started

    for query in queries:  # warm: the vocabulary, the plans, the buffers
        once(query)
    runs = [[once(query) for _ in range(RUNS)] for query in queries]
    medians = [statistics.median(times) for times in runs]
    fastest = [min(times) for times in runs]
    return 1000 * statistics.median(medians), 1000 * statistics.median(fastest)


def backend_cpu_seconds() -> float | None:
    """CPU seconds used so far by this connection's PostgreSQL backend; None unless the server runs here."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        (pid,) = cursor.fetchone()
    try:
        # Fields 14 and 15 of /proc/PID/stat (utime, stime, in clock ticks), counted after the command's ")".
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return None
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def cpu_ms(queries: list[str]) -> tuple[float, float | None]:
    """Mean CPU milliseconds of one search in this process and in the PostgreSQL backend, over RUNS rounds.

    Wall time on a shared machine is mostly waiting for a core between the round trips; CPU time is what
    the code costs, so two runs at different loads can be compared by it.
    """
    backend_started, started = backend_cpu_seconds(), time.process_time()
    for _ in range(RUNS):
        for query in queries:
            search(query)
    here, backend_ended = time.process_time() - started, backend_cpu_seconds()
    searches = RUNS * len(queries)
    backend = None if backend_started is None or backend_ended is None else backend_ended - backend_started
    return 1000 * here / searches, None if backend is None else 1000 * backend / searches


def statement_role(sql: str) -> str:
    for marker, role in (
        ("WITH q AS", "ranked ids"),
        ("shop_searchword", "typo candidates"),
        ("search_order", "page (ranked ids joined)"),
        ("shop_productimage", "page images"),
    ):
        if marker in sql:
            return role
    return sql.split(" FROM ", 1)[-1][:40]


def explain(queries: list[str]) -> list[str]:
    """Per statement of a search: how many a search runs, PostgreSQL's median planning and execution ms."""
    from django.db import connection, reset_queries
    from django.test.utils import CaptureQueriesContext

    times: dict[str, list[tuple[float, float]]] = {}
    for query in queries:
        reset_queries()  # DEBUG's log is full by now, and a full log captures nothing
        with CaptureQueriesContext(connection) as captured:
            search(query)
        for statement in captured.captured_queries:
            with connection.cursor() as cursor:
                cursor.execute(f"EXPLAIN (ANALYZE, FORMAT JSON) {statement['sql']}")
                (plan,) = cursor.fetchone()[0]
            times.setdefault(statement_role(statement["sql"]), []).append(
                (plan["Planning Time"], plan["Execution Time"])
            )
    lines = []
    for role, runs in times.items():
        planning, execution = statistics.median(p for p, _ in runs), statistics.median(e for _, e in runs)
        lines.append(
            f"  {role:26} {len(runs) / len(queries):.2f} per search, planning {planning:.3f} ms, execution"
            f" {execution:.3f} ms (medians; slowest {max(p + e for p, e in runs):.2f} ms)"
        )
    return lines


def report(label: str, queries: list[str], *, with_explain: bool) -> None:
    here, backend = cpu_ms(queries)
    in_backend = "not readable (server elsewhere)" if backend is None else f"{backend:.2f} ms"
    print(f"{label}: CPU per search {here:.2f} ms in this process, PostgreSQL backend {in_backend}")
    if with_explain:
        print("\n".join(explain(queries)))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--server", default="postgres://postgres@127.0.0.1:5432")
    parser.add_argument("--products", type=int, default=100_000)
    parser.add_argument("--keep", action="store_true")
    parser.add_argument("--explain", action="store_true", help="EXPLAIN ANALYZE every statement of every search")
    # Two runs at once (two engineers on one server) need two names: each drops its database first.
    parser.add_argument("--database", default=SCRATCH_DB, help=f"scratch database name (default {SCRATCH_DB})")
    args = parser.parse_args()

    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
    os.environ["DATABASE_URL"] = f"{args.server}/{args.database}"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    create_database(args.server, args.database)
    import django

    django.setup()
    from django.core.management import call_command

    from demo.store.loader import demo_store_load
    from shop.search.quality import read_queries

    try:
        call_command("migrate", verbosity=0)
        demo_store_load(product_count=600, seed=42, with_images=False)
        queries = [query for query, _ in read_queries()]
        vacuum()
        small, small_fastest = p50_ms(queries)
        print(f"600 products:     p50 {small:.2f} ms (fastest runs {small_fastest:.2f} ms) over {len(queries)} queries")
        report("600 products", queries, with_explain=args.explain)
        started = time.monotonic()
        total = grow_catalogue(args.products)
        vacuum()
        print(f"grew to {total:,} products in {time.monotonic() - started:.0f} s")
        large, large_fastest = p50_ms(queries)
        print(f"{total:,} products: p50 {large:.2f} ms (fastest runs {large_fastest:.2f} ms)")
        report(f"{total:,} products", queries, with_explain=args.explain)
        for label, ratio in (("medians", large / small), ("fastest runs", large_fastest / small_fastest)):
            verdict = "met" if ratio <= TARGET_RATIO else "NOT met"
            print(f"ratio of {label}: {ratio:.2f}x (target <= {TARGET_RATIO:.0f}x): {verdict}")
    finally:
        if not args.keep:
            drop_database(args.server, args.database)
    return 0


if __name__ == "__main__":
    sys.exit(main())
