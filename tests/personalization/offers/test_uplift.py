"""The uplift model on synthetic shoppers whose response to an offer is planted."""

import numpy as np
import pytest

from personalization.offers.uplift import (
    FEATURE_NAMES,
    LogisticArm,
    TLearner,
    expected_incremental_margin,
    qini_coefficient,
    uplift_at_top,
)

SENSITIVITY = FEATURE_NAMES.index("discount_sensitivity")


def planted(n: int = 4000, seed: int = 7):
    """Half the shoppers are discount-sensitive: the offer lifts their purchase rate from 10% to 40%; others 10%."""
    rng = np.random.default_rng(seed)
    X = rng.normal(size=(n, len(FEATURE_NAMES)))
    sensitive = rng.random(n) < 0.5
    X[:, SENSITIVITY] = np.where(sensitive, 1.0, 0.0) + rng.normal(scale=0.1, size=n)
    treated = rng.random(n) < 0.5
    rate = np.where(treated & sensitive, 0.40, 0.10)
    bought = (rng.random(n) < rate).astype(float)
    return X, treated.astype(float), bought, sensitive


def test_ranks_shoppers_with_a_planted_effect_above_those_without():
    X, treated, bought, sensitive = planted()

    model = TLearner().fit(X, treated, bought)
    uplift = model.uplift(X)

    assert uplift[sensitive].mean() > 0.2
    assert abs(uplift[~sensitive].mean()) < 0.05
    # almost every sensitive shopper ranks above almost every other one
    top = np.argsort(-uplift)[: int(sensitive.sum())]
    assert sensitive[top].mean() > 0.9


def test_serialised_model_predicts_the_same():
    X, treated, bought, _ = planted(n=500)
    model = TLearner().fit(X, treated, bought)

    again = TLearner.from_dict(model.to_dict())

    np.testing.assert_allclose(again.uplift(X), model.uplift(X))


def test_metrics_reward_a_good_ranking():
    X, treated, bought, sensitive = planted()
    good, random = sensitive.astype(float), np.random.default_rng(1).random(len(sensitive))
    assert uplift_at_top(good, treated, bought, share=0.5) > 0.25
    assert qini_coefficient(good, treated, bought) > qini_coefficient(random, treated, bought)


def test_qini_and_uplift_at_top_by_hand():
    # ranked as given: the Qini curve is 1, 1, 1, 1 against the random line 0, 1/3, 2/3, 1; area 2 over 4^2 rows
    scores, treated, bought = np.array([4, 3, 2, 1]), np.array([1, 0, 1, 0]), np.array([1, 0, 0, 0])
    assert qini_coefficient(scores, treated, bought) == pytest.approx(0.125)
    assert uplift_at_top(scores, treated, bought, share=0.5) == 1.0


def test_logistic_arm_recovers_a_known_slope():
    rng = np.random.default_rng(0)
    x = rng.normal(size=(20000, 1))
    y = (rng.random(20000) < 1 / (1 + np.exp(-(2.0 * x[:, 0] - 1.0)))).astype(float)
    arm = LogisticArm.fit(x, y, l2=1e-6)
    assert abs(arm.weights[0] - 2.0) < 0.1 and abs(arm.bias + 1.0) < 0.1


def test_an_arm_where_nobody_bought_predicts_almost_nothing():
    X, treated, bought, _ = planted(n=400)
    bought[treated == 0] = 0.0

    _, p_control = TLearner().fit(X, treated, bought).predict(X)

    assert np.all(p_control < 1e-6)


def test_a_stored_model_of_the_former_hand_written_fit_still_loads():
    # given weights as the offers app stored them before scikit-learn fitted them
    stored = {
        "kind": "t_learner_logistic",
        "feature_names": list(FEATURE_NAMES),
        "mean": [0.0] * 6,
        "scale": [1.0] * 6,
        "treated": {"weights": [0, 0, 0, 0, 2.0, 0], "bias": -1.0, "l2": 1.0},
        "control": {"weights": [0.0] * 6, "bias": -2.0, "l2": 1.0},
        "l2": 1.0,
    }

    p_treated, p_control = TLearner.from_dict(stored).predict(np.array([[0, 0, 0, 0, 1.0, 0]]))

    assert p_treated[0] == pytest.approx(1 / (1 + np.exp(-1.0)))
    assert p_control[0] == pytest.approx(1 / (1 + np.exp(2.0)))


def test_an_unknown_artifact_kind_fails_clearly():
    with pytest.raises(ValueError, match="retrain"):
        TLearner.from_dict({"kind": "t_learner_boosting"})


def test_expected_incremental_margin_pays_for_the_discount():
    # 30 points of uplift on a 100.00 order at 30% margin = 9.00; the 5.00 discount is paid on 40% of shoppers
    assert (
        expected_incremental_margin(p_treated=0.4, p_control=0.1, order_value=100, margin_rate=0.3, discount_cost=5)
        == 9.0 - 2.0
    )
    assert (
        expected_incremental_margin(p_treated=0.1, p_control=0.1, order_value=100, margin_rate=0.3, discount_cost=5) < 0
    )
