import numpy as np
import pytest

from personalization.recsys.ann import RetrievalConfig, RetrievalIndex


def clustered_vectors(n: int, d: int = 16, seed: int = 0) -> np.ndarray:
    """[n + 1, d] item vectors in clusters with spread norms; row 0 is padding."""
    rng = np.random.default_rng(seed)
    centres = rng.standard_normal((max(1, n // 200), d))
    vectors = centres[rng.integers(0, len(centres), n)] + 0.6 * rng.standard_normal((n, d))
    vectors *= rng.lognormal(0.0, 0.25, n)[:, None] / np.linalg.norm(vectors, axis=1, keepdims=True)
    return np.vstack([np.zeros((1, d)), vectors]).astype(np.float32)


def exact_top(vectors: np.ndarray, query: np.ndarray, k: int, allowed=None) -> set[int]:
    scores = vectors @ query
    scores[0] = -np.inf
    if allowed is not None:
        scores[~allowed] = -np.inf
    return set(np.argsort(-scores)[:k].tolist())


@pytest.fixture(scope="module")
def vectors():
    return clustered_vectors(6000)


@pytest.fixture(scope="module")
def lists_index(vectors):
    return RetrievalIndex.build(vectors, RetrievalConfig(exact_below=1000), threads=1)


def queries(vectors, n=30, seed=1):
    rng = np.random.default_rng(seed)
    picks = vectors[rng.integers(1, len(vectors), n)]
    return picks + 0.05 * rng.standard_normal(picks.shape).astype(np.float32)


def test_below_the_threshold_the_index_is_exact_and_best_first(vectors):
    # given
    index = RetrievalIndex.build(vectors, RetrievalConfig(exact_below=10_000))
    query = queries(vectors, 1)[0]
    # when
    found = index.search(query, 50)
    # then
    assert index.exact
    scores = vectors[found] @ query
    assert set(found.tolist()) == exact_top(vectors, query, 50)
    assert np.all(np.diff(scores) <= 0), "results are not best first"
    assert 0 not in found, "the padding row was returned"


def test_above_the_threshold_the_inverted_lists_find_the_exact_top_100(vectors, lists_index):
    recalls = [
        len(set(lists_index.search(query, 100).tolist()) & exact_top(vectors, query, 100)) / 100
        for query in queries(vectors)
    ]
    assert not lists_index.exact
    assert np.mean(recalls) >= 0.95, f"recall@100 {np.mean(recalls):.3f}"


def test_a_filter_keeps_recall_among_the_allowed_items(vectors, lists_index):
    # given: a third of the items are in stock
    allowed = np.random.default_rng(2).random(len(vectors)) < 0.33
    recalls = []
    for query in queries(vectors):
        # when
        found = lists_index.search(query, 100, allowed=allowed)
        # then
        assert allowed[found].all(), "an item outside the filter was returned"
        recalls.append(len(set(found.tolist()) & exact_top(vectors, query, 100, allowed)) / 100)
    assert np.mean(recalls) >= 0.95, f"filtered recall@100 {np.mean(recalls):.3f}"


def test_a_narrow_filter_is_answered_exactly(vectors, lists_index):
    allowed = np.zeros(len(vectors), dtype=bool)
    allowed[[5, 17, 400, 4000]] = True
    query = queries(vectors, 1)[0]
    assert set(lists_index.search(query, 10, allowed=allowed).tolist()) == {5, 17, 400, 4000}


def test_the_index_survives_its_bytes(vectors, lists_index):
    # when
    loaded = RetrievalIndex.from_bytes(lists_index.to_bytes(), vectors)
    # then
    query = queries(vectors, 1)[0]
    assert not loaded.exact
    assert loaded.search(query, 20).tolist() == lists_index.search(query, 20).tolist()


def test_an_index_from_another_model_is_refused(vectors, lists_index):
    with pytest.raises(ValueError, match="retrieval index holds 6000 items"):
        RetrievalIndex.from_bytes(lists_index.to_bytes(), vectors[:100])
