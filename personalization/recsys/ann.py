"""Retrieval: the items with the highest inner product with a query vector, approximately above a size.

A sequence model scores an item by the dot product of the shopper's hidden state with the
item's vector. Below ``exact_below`` items a :class:`RetrievalIndex` answers by that product over
every item (exact, and at shop sizes cheap); above it, through faiss's inverted lists
(``IndexIVFFlat``): k-means splits the items into about sqrt(N) cells, and a query scores exactly
the items of its ``probes`` best cells. faiss was chosen over usearch and hnswlib, and inverted
lists over the HNSW graphs of all three, by ``bench/ann_libraries.py`` (docs/benchmarks.md has the
figures): at 1M items the graphs needed far more search effort for recall@100 >= 0.95.

Filters (in stock, a category) never lose recall: ``search`` takes an ``allowed`` mask, answers
exactly over the allowed items when they are few, and otherwise asks for more neighbours (and
probes more cells) until ``k`` allowed ones are found.

Indices are the model's: row 0 of the vectors is padding and is never returned.
"""

from __future__ import annotations

import io
from dataclasses import dataclass

import numpy as np

FORMAT = 1
TRAINING_POINTS_PER_CELL = 40  # k-means sees this many items per cell (faiss warns below 39)
KMEANS_ITERATIONS = 10


@dataclass(frozen=True)
class RetrievalConfig:
    exact_below: int = 50_000  # items; below this, exact scoring
    probes: int = 16  # cells scored per query for k <= 100; scaled with k
    oversample: int = 4  # a filtered search asks for this many times k before widening


class RetrievalIndex:
    """Top-k item indices by inner product with a query; exact below a size, inverted lists above it."""

    def __init__(self, vectors: np.ndarray, config: RetrievalConfig, lists=None) -> None:
        self.vectors = vectors  # [N, D] float32, row 0 padding
        self.config = config
        self.lists = lists  # faiss.IndexIVFFlat over rows 1.. (its id = index - 1), None when exact

    @property
    def exact(self) -> bool:
        return self.lists is None

    @property
    def n_items(self) -> int:
        return len(self.vectors) - 1

    @classmethod
    def build(cls, vectors: np.ndarray, config: RetrievalConfig | None = None, *, threads: int = 0) -> RetrievalIndex:
        """An index over ``vectors`` ``[N, D]`` (row 0 padding); inverted lists only from ``exact_below`` items on.

        The k-means sample is drawn with a fixed seed, so the same vectors give the same index.
        """
        config = config or RetrievalConfig()
        vectors = np.ascontiguousarray(vectors, dtype=np.float32)
        n = len(vectors) - 1
        if n < config.exact_below or n < 2:
            return cls(vectors, config)
        import faiss

        cells = max(1, int(np.sqrt(n)))
        lists = faiss.IndexIVFFlat(
            faiss.IndexFlatIP(vectors.shape[1]), vectors.shape[1], cells, faiss.METRIC_INNER_PRODUCT
        )
        lists.cp.niter = KMEANS_ITERATIONS
        lists.cp.seed = 1
        sample = np.random.default_rng(0).choice(n, min(n, TRAINING_POINTS_PER_CELL * cells), replace=False)
        previous = faiss.omp_get_max_threads()
        if threads:
            faiss.omp_set_num_threads(threads)
        try:
            lists.train(vectors[1:][np.sort(sample)])
            lists.add(vectors[1:])
        finally:
            faiss.omp_set_num_threads(previous)
        return cls(vectors, config, lists)

    def search(self, query: np.ndarray, k: int, *, allowed: np.ndarray | None = None) -> np.ndarray:
        """Up to ``k`` item indices ``[<=k]``, best first; only where ``allowed`` ``[N]`` (bool) is true, if given."""
        query = np.asarray(query, dtype=np.float32).reshape(-1)
        if allowed is not None:
            allowed = np.asarray(allowed, dtype=bool).copy()
            allowed[0] = False
            n_allowed = int(allowed.sum())
            if self.exact or n_allowed < max(self.config.exact_below, 1) or n_allowed <= k * self.config.oversample:
                return self._exact(query, k, np.flatnonzero(allowed))
        elif self.exact:
            return self._exact(query, k, None)
        return self._approximate(query, k, allowed)

    def _exact(self, query: np.ndarray, k: int, rows: np.ndarray | None) -> np.ndarray:
        rows = np.arange(1, len(self.vectors)) if rows is None else rows
        if len(rows) == 0 or k <= 0:
            return np.zeros(0, dtype=np.int64)
        scores = self.vectors[rows] @ query
        k = min(k, len(rows))
        top = np.argpartition(-scores, k - 1)[:k]
        top = top[np.lexsort((rows[top], -scores[top]))]  # best first, ties to the lower index
        return rows[top].astype(np.int64)

    def _approximate(self, query: np.ndarray, k: int, allowed: np.ndarray | None) -> np.ndarray:
        import faiss

        point = query[None, :]
        asked = k if allowed is None else k * self.config.oversample
        while True:
            asked = min(asked, self.n_items)
            params = faiss.SearchParametersIVF()
            params.nprobe = min(self.lists.nlist, max(self.config.probes, -(-self.config.probes * asked // 100)))
            _, found = self.lists.search(point, asked, params=params)
            indices = found[0][found[0] >= 0].astype(np.int64) + 1
            if allowed is None:
                return indices[:k]
            kept = indices[allowed[indices]]
            if len(kept) >= k or asked >= self.n_items:
                return kept[:k]
            asked *= 4

    # Storage: plain bytes (numpy's format without pickles, and faiss's own), so loading runs no code.

    def to_bytes(self) -> bytes:
        buffer = io.BytesIO()
        lists = np.zeros(0, dtype=np.uint8)
        if self.lists is not None:
            import faiss

            lists = faiss.serialize_index(self.lists)
        header = np.asarray(
            [FORMAT, self.config.exact_below, self.config.probes, self.config.oversample], dtype=np.int64
        )
        np.savez(buffer, header=header, lists=lists)
        return buffer.getvalue()

    @classmethod
    def from_bytes(cls, blob: bytes, vectors: np.ndarray) -> RetrievalIndex:
        """The index stored by :meth:`to_bytes`, over the same model's ``vectors`` ``[N, D]``."""
        stored = np.load(io.BytesIO(blob), allow_pickle=False)
        version, exact_below, probes, oversample = (int(v) for v in stored["header"])
        if version != FORMAT:
            raise ValueError(f"unsupported retrieval index format {version}")
        config = RetrievalConfig(exact_below=exact_below, probes=probes, oversample=oversample)
        vectors = np.ascontiguousarray(vectors, dtype=np.float32)
        lists = None
        if len(stored["lists"]):
            import faiss

            lists = faiss.deserialize_index(stored["lists"])
            if lists.ntotal != len(vectors) - 1 or lists.d != vectors.shape[1]:
                raise ValueError(
                    f"the retrieval index holds {lists.ntotal} items of {lists.d} dimensions, "
                    f"the model {len(vectors) - 1} of {vectors.shape[1]}"
                )
        return cls(vectors, config, lists)
