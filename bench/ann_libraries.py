"""Approximate nearest neighbours for retrieval: faiss-cpu, usearch and hnswlib side by side.

Over N synthetic item vectors of the model's dimension, each library builds an HNSW graph (made
searchable by inner product, the sequence model's score, through one extra coordinate:
``to_euclidean``), and faiss also its inverted lists (k-means cells, exact inner products inside
the probed cells). The figures: recall@100 against exact scoring (a matrix product over every
item), the query p50 in ms (one query at a time, one thread: a web worker's call), and the build
time (all threads given; on a shared machine it varies with the load, the other two do not much).

The vectors are synthetic, not a trained model's: items lie in clusters (categories, about a
thousand items each) with norms spread like a trained catalogue's (log-normal), and each query is
one item's vector plus noise of half its length (a shopper's hidden state near what they browse).
That the clusters are real clusters favours inverted lists; what a trained million-item model's
vectors look like was not measured here.

    .venv/bin/python bench/ann_libraries.py --items 1000000 --queries 200
"""

import argparse
import statistics
import time

import numpy as np

DIMENSION = 64  # SASRecConfig.hidden
K = 100


def synthetic_items(n: int, d: int, rng: np.random.Generator) -> np.ndarray:
    clusters = max(1, n // 1000)
    centres = rng.standard_normal((clusters, d)).astype(np.float32)
    vectors = centres[rng.integers(0, clusters, n)] + 0.6 * rng.standard_normal((n, d)).astype(np.float32)
    norms = rng.lognormal(0.0, 0.25, n).astype(np.float32)
    return vectors / np.linalg.norm(vectors, axis=1, keepdims=True) * norms[:, None]


def synthetic_queries(items: np.ndarray, q: int, rng: np.random.Generator) -> np.ndarray:
    picks = items[rng.integers(0, len(items), q)]
    noise = rng.standard_normal(picks.shape) * 0.5 / np.sqrt(picks.shape[1])  # about half an item's length
    return (picks + noise).astype(np.float32)


def to_euclidean(items: np.ndarray) -> np.ndarray:
    """One extra coordinate makes every item as long as the longest: the nearest in L2 is then the best by inner
    product (Bachrach et al., 2014), which graph indexes answer far better than raw inner product."""
    norms = np.linalg.norm(items, axis=1)
    extra = np.sqrt(np.maximum(norms.max() ** 2 - norms**2, 0.0))
    return np.hstack([items, extra[:, None]]).astype(np.float32)


def exact_top(items: np.ndarray, queries: np.ndarray, k: int) -> np.ndarray:
    top = np.empty((len(queries), k), dtype=np.int64)
    for start in range(0, len(queries), 64):
        scores = queries[start : start + 64] @ items.T
        part = np.argpartition(-scores, k, axis=1)[:, :k]
        top[start : start + 64] = part
    return top


def recall(found: np.ndarray, truth: np.ndarray) -> float:
    return float(np.mean([len(set(f.tolist()) & set(t.tolist())) / len(t) for f, t in zip(found, truth, strict=True)]))


def timed_queries(search, queries: np.ndarray) -> tuple[np.ndarray, float]:
    found, times = [], []
    for query in queries:
        started = time.perf_counter()
        found.append(search(query))
        times.append((time.perf_counter() - started) * 1000)
    return np.stack(found), statistics.median(times)


def bench_faiss(items, queries, efs):
    import faiss

    started = time.perf_counter()
    index = faiss.IndexHNSWFlat(items.shape[1], 16)
    index.hnsw.efConstruction = 100
    index.add(items)
    build = time.perf_counter() - started
    faiss.omp_set_num_threads(1)
    for ef in efs:
        index.hnsw.efSearch = ef
        yield ef, build, timed_queries(lambda q: index.search(q[None, :], K)[1][0], queries)


def bench_faiss_ivf(items, queries, probes):
    """faiss's inverted lists: k-means cells, then exact scores within the `probes` nearest cells."""
    import faiss

    started = time.perf_counter()
    cells = int(np.sqrt(len(items)))
    index = faiss.IndexIVFFlat(faiss.IndexFlatIP(items.shape[1]), items.shape[1], cells, faiss.METRIC_INNER_PRODUCT)
    index.cp.niter = 10
    index.train(items[np.random.default_rng(1).choice(len(items), min(len(items), 40 * cells), replace=False)])
    index.add(items)
    build = time.perf_counter() - started
    faiss.omp_set_num_threads(1)
    for probe in probes:
        index.nprobe = probe
        yield probe, build, timed_queries(lambda q: index.search(q[None, :], K)[1][0], queries)


def bench_usearch(items, queries, efs):
    from usearch.index import Index

    started = time.perf_counter()
    index = Index(ndim=items.shape[1], metric="l2sq", dtype="f32", connectivity=16, expansion_add=100)
    index.add(np.arange(len(items)), items, threads=0)
    build = time.perf_counter() - started
    for ef in efs:
        index.expansion_search = ef
        yield ef, build, timed_queries(lambda q: index.search(q, K, threads=1).keys, queries)


def bench_hnswlib(items, queries, efs):
    import hnswlib

    started = time.perf_counter()
    index = hnswlib.Index(space="l2", dim=items.shape[1])
    index.init_index(max_elements=len(items), M=16, ef_construction=100)
    index.add_items(items, np.arange(len(items)), num_threads=-1)
    build = time.perf_counter() - started
    index.set_num_threads(1)
    for ef in efs:
        index.set_ef(ef)
        yield ef, build, timed_queries(lambda q: index.knn_query(q[None, :], k=K)[0][0], queries)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--items", type=int, default=100_000)
    parser.add_argument("--queries", type=int, default=200)
    parser.add_argument("--ef", default="200,400,800", help="the graphs' search effort (efSearch, expansion)")
    parser.add_argument("--probes", default="4,8,16,32", help="cells scored by faiss's inverted lists (nprobe)")
    parser.add_argument("--only", default="faiss-ivf,faiss,usearch,hnswlib")
    args = parser.parse_args()
    rng = np.random.default_rng(0)
    items = synthetic_items(args.items, DIMENSION, rng)
    queries = synthetic_queries(items, args.queries, rng)
    started = time.perf_counter()
    truth = exact_top(items, queries, K)
    exact_ms = (time.perf_counter() - started) * 1000 / len(queries)
    print(f"{args.items:,} items x {DIMENSION} dims, {args.queries} queries; exact (numpy, batched) {exact_ms:.2f} ms")
    print(f"{'library':10} {'ef/probes':>9} {'recall@100':>11} {'query p50 ms':>13} {'build s':>8}")
    # The graphs search by distance: one extra coordinate turns inner product into it (see to_euclidean).
    graph_items = to_euclidean(items)
    graph_queries = np.hstack([queries, np.zeros((len(queries), 1), np.float32)])
    benches = {"faiss-ivf": bench_faiss_ivf, "faiss": bench_faiss, "usearch": bench_usearch, "hnswlib": bench_hnswlib}
    efs = [int(ef) for ef in args.ef.split(",")]
    probes = [int(probe) for probe in args.probes.split(",")]
    for name in args.only.split(","):
        runs = (
            benches[name](items, queries, probes)
            if name == "faiss-ivf"
            else benches[name](graph_items, graph_queries, efs)
        )
        for ef, build, (found, p50) in runs:
            print(f"{name:10} {ef:>9} {recall(found, truth):>11.4f} {p50:>13.3f} {build:>8.1f}", flush=True)


if __name__ == "__main__":
    main()
