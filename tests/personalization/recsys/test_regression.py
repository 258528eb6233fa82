"""The item-to-item ridge regression (EASE) and its place in the second stage."""

import numpy as np
import pytest

from personalization.recsys.data import build_dataset
from personalization.recsys.models import History, ItemRegression, Recommender
from personalization.recsys.models.affinity import FEATURES, AffinityReranker
from personalization.recsys.models.regression import ItemRegressionConfig


def pair_shoppers(n_users: int = 60, seed: int = 0):
    """Each shopper takes one of four pairs (a0, b0) .. (a3, b3) whole, plus one random other item."""
    rng = np.random.default_rng(seed)
    rows = []
    for user in range(n_users):
        pair = user % 4
        extra = f"x{int(rng.integers(0, 6))}"
        for step, item in enumerate([f"a{pair}", extra, f"b{pair}"]):
            rows.append((f"u{user}", item, float(user * 1000 + step)))
    return build_dataset(rows)


def test_the_weights_are_the_closed_form_ridge_regression_of_each_item_on_the_others():
    # given the shoppers' item sets as a user x item matrix
    dataset = pair_shoppers()
    n = dataset.n_items
    touched = np.zeros((len(dataset.sequences), n))
    for user, seq in enumerate(dataset.sequences):
        touched[user, seq.items - 1] = 1.0
    inverse = np.linalg.inv(touched.T @ touched + 10.0 * np.eye(n))
    expected = -inverse / np.diag(inverse)[None, :]
    np.fill_diagonal(expected, 0.0)
    # when the table keeps every positive weight
    model = ItemRegression(ItemRegressionConfig(l2=10.0, neighbours=n)).fit(dataset)
    # then each kept neighbour carries its closed-form weight, and no positive weight is missing
    kept = 0
    for item in range(1, n + 1):
        neighbours, weights = model.neighbours(item)
        np.testing.assert_allclose(weights, expected[item - 1, neighbours - 1], rtol=1e-4)
        assert set(neighbours - 1) == set(np.flatnonzero(expected[item - 1] > 0))
        kept += len(neighbours)
    assert kept > 0


def test_a_history_scores_the_other_half_of_its_pair_first():
    dataset = pair_shoppers()
    model = ItemRegression().fit(dataset)
    index = dataset.item_index.index_of
    for pair in range(4):
        scores = model.score([History(np.array([index(f"a{pair}")]))])[0]
        scores[index(f"a{pair}")] = -np.inf
        assert int(np.argmax(scores)) == index(f"b{pair}")


def test_above_its_size_the_table_stays_empty_and_scores_popularity():
    dataset = pair_shoppers()
    model = ItemRegression(ItemRegressionConfig(max_items=dataset.n_items - 1)).fit(dataset)
    assert len(model.neighbour_items) == 0
    np.testing.assert_array_equal(model.score([History(np.array([1]))])[0], model.fallback)
    assert Recommender.from_bytes(model.to_bytes()).score([[1]]).shape == (1, dataset.n_items + 1)
    # and the second stage is given no table to read
    assert model.or_none() is None and ItemRegression().fit(dataset).or_none() is not None


def test_the_second_stage_reads_the_regression_and_keeps_it_in_its_artifact():
    # given a stage that holds the regression table, with a weight on it alone
    dataset = pair_shoppers()
    stage = AffinityReranker.for_catalog(
        None, dataset.item_counts(), dataset.event_weights, decay=0.9, regression=ItemRegression().fit(dataset)
    )
    stage.weights[:] = 0.0
    stage.weights[FEATURES.index("regression")] = 1.0
    index = dataset.item_index.index_of
    history = History(np.array([index("a2")]))
    base = np.zeros((1, dataset.n_items + 1), dtype=np.float32)
    # when it scores, itself and as loaded back from its state
    scores = stage.rerank([history], base)[0]
    loaded = AffinityReranker.from_state(stage.state()).rerank([history], base)[0]
    # then the pair's other half comes first, the same either way
    scores[index("a2")] = -np.inf
    assert int(np.argmax(scores)) == index("b2")
    np.testing.assert_allclose(loaded[1:], stage.rerank([history], base)[0][1:], rtol=1e-6)
    # and the candidates alone get the same standardised values as among every item
    columns = np.array([index("b2"), index("x3"), 0])
    alone = stage.rerank_items([history], base[:, columns], columns, base[:, 1:])[0]
    every = stage.rerank([history], base)[0]
    np.testing.assert_allclose(alone[:2], every[columns[:2]], rtol=1e-5)


def test_a_stage_saved_before_the_regression_feature_still_loads_and_scores_as_it_did():
    dataset = pair_shoppers()
    stage = AffinityReranker.for_catalog(
        None, dataset.item_counts(), dataset.event_weights, decay=0.9, regression=ItemRegression().fit(dataset)
    )
    stage.weights[:] = np.linspace(1.0, 0.1, len(FEATURES))
    old = stage.state()
    del old["regression"]
    old["weights"] = old["weights"][: FEATURES.index("regression")]
    loaded = AffinityReranker.from_state(old)
    assert loaded.regression is None and loaded.weights[FEATURES.index("regression")] == 0
    history, base = History(np.array([1, 2])), np.random.default_rng(0).random((1, dataset.n_items + 1))
    without = stage.features([history], base)[..., : FEATURES.index("regression")] @ old["weights"].numpy()
    np.testing.assert_allclose(loaded.rerank([history], base)[0, 1:], without[0, 1:], rtol=1e-5)


@pytest.mark.parametrize("rows", [[("u0", "a", 1.0)], [("u0", "a", 1.0), ("u0", "b", 2.0)]])
def test_one_or_two_items_give_a_table_that_scores(rows):
    dataset = build_dataset(rows)
    model = ItemRegression().fit(dataset)
    assert model.score([History(np.array([1]))]).shape == (1, dataset.n_items + 1)
