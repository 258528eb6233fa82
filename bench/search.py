"""Search on PostgreSQL: p50 of the demo query set on the 600-product store and on a 100,000-product catalogue.

Creates a scratch database, migrates it, loads the demo store (600 products, no images), times every
query of `shop/search/queries/demo_queries.tsv` (5 runs each: their median and their fastest, then the
median over queries), then grows the catalogue to 100,000 products inside PostgreSQL (copies of the
demo products with their search documents, INSERT ... SELECT) and times the same queries again. Prints
both and the ratios (target: at most 2x). Drops the scratch database at the end unless --keep.

Both catalogues are timed after VACUUM ANALYZE, as autovacuum leaves a live one: right after a bulk
insert, each GIN index still holds its pending list (up to gin_pending_list_limit, 4 MB), which every
search scans in full until a vacuum merges it.

    .venv/bin/python bench/search.py [--keep] [--products 100000] [--server postgres://postgres@127.0.0.1:5432]
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


def p50_ms(queries: list[str]) -> tuple[float, float]:
    """The median over queries of each query's median of RUNS, and of each query's fastest run.

    The fastest run is what the query costs without the other processes of a shared machine (timeit's
    rule); the median includes their noise. Both are printed, for both catalogues.
    """
    from shop.search.selectors import product_search_results
    from shop.selectors import product_list

    def once(query: str) -> float:
        started = time.perf_counter()
        results = product_search_results(query=query, products=product_list(), sort_by_relevance=True)
        list(results.products[:24])  # the first page, as the listing shows it
        return time.perf_counter() - started

    for query in queries:  # warm: the vocabulary, the plans, the buffers
        once(query)
    runs = [[once(query) for _ in range(RUNS)] for query in queries]
    medians = [statistics.median(times) for times in runs]
    fastest = [min(times) for times in runs]
    return 1000 * statistics.median(medians), 1000 * statistics.median(fastest)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--server", default="postgres://postgres@127.0.0.1:5432")
    parser.add_argument("--products", type=int, default=100_000)
    parser.add_argument("--keep", action="store_true")
    args = parser.parse_args()

    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
    os.environ["DATABASE_URL"] = f"{args.server}/{SCRATCH_DB}"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    create_database(args.server, SCRATCH_DB)
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
        started = time.monotonic()
        total = grow_catalogue(args.products)
        vacuum()
        print(f"grew to {total:,} products in {time.monotonic() - started:.0f} s")
        large, large_fastest = p50_ms(queries)
        print(f"{total:,} products: p50 {large:.2f} ms (fastest runs {large_fastest:.2f} ms)")
        for label, ratio in (("medians", large / small), ("fastest runs", large_fastest / small_fastest)):
            verdict = "met" if ratio <= TARGET_RATIO else "NOT met"
            print(f"ratio of {label}: {ratio:.2f}x (target <= {TARGET_RATIO:.0f}x): {verdict}")
    finally:
        if not args.keep:
            drop_database(args.server, SCRATCH_DB)
    return 0


if __name__ == "__main__":
    sys.exit(main())
