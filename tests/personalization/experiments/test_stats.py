"""stats.py against scipy on fixed data and against hand-computed values."""

import math

import numpy as np
import pytest
from scipy import stats as scipy_stats

from personalization.experiments import stats

RNG = np.random.default_rng(20250101)
CONTROL = RNG.exponential(10.0, size=400) * (RNG.random(400) < 0.3)
TREATMENT = RNG.exponential(12.0, size=350) * (RNG.random(350) < 0.33)


def test_welch_t_test_matches_scipy():
    ours = stats.welch_t_test(stats.MeanSummary.from_array(CONTROL), stats.MeanSummary.from_array(TREATMENT))
    theirs = scipy_stats.ttest_ind(TREATMENT, CONTROL, equal_var=False)
    assert ours.statistic == pytest.approx(theirs.statistic, rel=1e-9)
    assert ours.p_value == pytest.approx(theirs.pvalue, rel=1e-7)
    assert ours.df == pytest.approx(theirs.df, rel=1e-9)


@pytest.mark.parametrize(
    "control, treatment",
    [
        ((12, 1.0, 4.0), (9, 2.5, 9.0)),  # few units: Student's t far from the normal
        ((400, 3.0, 30.0), (350, 3.9, 42.0)),
        ((5000, 0.031, 0.03), (5000, 0.036, 0.0347)),  # conversion-sized, near-normal
        ((40, 0.0, 1.0), (40, 3.0, 1.0)),  # a p-value far in the tail
    ],
)
def test_welch_p_value_matches_scipy_from_summaries(control, treatment):
    (n_c, mean_c, var_c), (n_t, mean_t, var_t) = control, treatment
    ours = stats.welch_t_test(stats.MeanSummary(n_c, mean_c, var_c), stats.MeanSummary(n_t, mean_t, var_t))
    theirs = scipy_stats.ttest_ind_from_stats(
        mean_t, math.sqrt(var_t), n_t, mean_c, math.sqrt(var_c), n_c, equal_var=False
    )
    assert ours.statistic == pytest.approx(theirs.statistic, rel=1e-9)
    assert ours.p_value == pytest.approx(theirs.pvalue, rel=1e-8, abs=1e-300)


def test_welch_p_value_known_value():
    # Pinned on the fixed samples above (0.1401027128670 with the former hand-written t tail).
    ours = stats.welch_t_test(stats.MeanSummary.from_array(CONTROL), stats.MeanSummary.from_array(TREATMENT))
    assert ours.p_value == pytest.approx(0.14010271287, rel=1e-9)


@pytest.mark.parametrize(
    "observed, weights",
    [([5200, 4800], [50, 50]), ([2010, 2990, 5000], [20, 30, 50]), ([900, 1200, 1000, 1100], [1, 1, 1, 1])],
)
def test_sample_ratio_p_value_matches_scipy_chisquare(observed, weights):
    expected = [sum(observed) * w / sum(weights) for w in weights]
    theirs = scipy_stats.chisquare(observed, expected)
    check = stats.sample_ratio_mismatch(observed, weights)
    assert check.chi2 == pytest.approx(theirs.statistic, rel=1e-12)
    assert check.p_value == pytest.approx(theirs.pvalue, rel=1e-8, abs=1e-300)


def test_normal_quantile_and_chance_to_beat_known_values():
    assert stats.normal_ppf(0.975) == pytest.approx(1.959963984540054, rel=1e-12)
    assert stats.normal_ppf(0.8) == pytest.approx(0.8416212335729143, rel=1e-12)
    # difference 0.3 with standard deviation 0.2 is 1.5 sd above zero: Phi(1.5)
    assert stats.chance_to_beat_normal(0.3, 0.04) == pytest.approx(0.9331927987311419, rel=1e-12)


def test_wilson_interval_by_hand():
    # 10 of 100 at 95%: centre (0.1 + z^2/200)/(1 + z^2/100), known interval 0.0552 .. 0.1744.
    interval = stats.wilson_interval(10, 100)
    assert interval.estimate == 0.1
    assert interval.low == pytest.approx(0.05523, abs=1e-4)
    assert interval.high == pytest.approx(0.17437, abs=1e-4)
    assert stats.wilson_interval(0, 20).low == 0.0


def test_relative_lift_delta_method_by_hand():
    control = stats.MeanSummary(n=1000, mean=10.0, variance=100.0)
    treatment = stats.MeanSummary(n=1000, mean=11.0, variance=121.0)
    lift = stats.relative_lift(control, treatment)
    se = math.sqrt(0.121 / 100 + 121 * 0.1 / 10_000)
    assert lift.estimate == pytest.approx(0.1)
    assert lift.high - lift.estimate == pytest.approx(scipy_stats.norm.ppf(0.975) * se, rel=1e-9)


def test_sample_ratio_mismatch_alarm_on_a_skewed_split():
    skewed = stats.sample_ratio_mismatch([5200, 4800], [50, 50])
    expected_chi2 = 2 * 200**2 / 5000
    assert skewed.chi2 == pytest.approx(expected_chi2)
    assert skewed.p_value == pytest.approx(scipy_stats.chi2.sf(expected_chi2, 1))
    assert skewed.alarm, "a 52/48 split of 10,000 units on 50/50 weights must raise the alarm"
    assert not stats.sample_ratio_mismatch([5030, 4970], [50, 50]).alarm
    assert not stats.sample_ratio_mismatch([2010, 2990, 5000], [20, 30, 50]).alarm


def test_cuped_reduces_variance_with_a_planted_pre_period_correlation():
    rng = np.random.default_rng(7)
    x = rng.gamma(2.0, 10.0, size=(2, 5000))
    y = 0.8 * x + rng.normal(0, 5, size=(2, 5000))
    y[1] += 1.0  # planted effect
    sums = [stats.CupedSums.from_arrays(y[i], x[i]) for i in range(2)]
    result = stats.cuped(sums)
    pooled_x, pooled_y = x.ravel(), y.ravel()
    assert result.theta == pytest.approx(np.cov(pooled_y, pooled_x)[0, 1] / np.var(pooled_x, ddof=1), rel=1e-9)
    assert result.variance_reduction > 0.5
    assert result.adjusted[1].mean - result.adjusted[0].mean == pytest.approx(1.0, abs=0.35)
    raw = stats.welch_t_test(sums[0].outcome, sums[1].outcome)
    adjusted = stats.welch_t_test(*result.adjusted)
    assert adjusted.p_value < raw.p_value


def test_cuped_adjusted_variance_equals_variance_of_adjusted_values():
    rng = np.random.default_rng(3)
    x = rng.normal(5, 2, 300)
    y = 2 * x + rng.normal(0, 1, 300)
    sums = stats.CupedSums.from_arrays(y, x)
    theta, mean_x = 1.7, 4.0
    adjusted = stats.cuped_adjust(sums, theta=theta, mean_x=mean_x)
    reference = y - theta * (x - mean_x)
    assert adjusted.mean == pytest.approx(reference.mean())
    assert adjusted.variance == pytest.approx(np.var(reference, ddof=1))


def test_always_valid_p_value_by_hand_and_more_conservative_than_fixed_horizon():
    # V = 1, tau2 = 1, d = 3: Lambda = sqrt(1/2) exp(9 / 4).
    assert stats.always_valid_p_value(3.0, 1.0, tau2=1.0) == pytest.approx(1 / (math.sqrt(0.5) * math.exp(2.25)))
    assert stats.always_valid_p_value(0.0, 1.0, tau2=1.0) == 1.0
    control = stats.MeanSummary.from_array(CONTROL)
    treatment = stats.MeanSummary.from_array(TREATMENT)
    assert stats.sequential_p_value(control, treatment) >= stats.welch_t_test(control, treatment).p_value
    strong = stats.MeanSummary(n=20_000, mean=3.6, variance=100.0)
    assert stats.sequential_p_value(stats.MeanSummary(n=20_000, mean=3.0, variance=100.0), strong) < 0.01
    assert stats.running_minimum([0.5, 0.2, 0.4, 0.1]) == [0.5, 0.2, 0.2, 0.1]


def test_sequential_test_keeps_false_positives_under_alpha_when_peeking_daily():
    rng = np.random.default_rng(11)
    false_alarms = 0
    for _ in range(200):
        a, b = rng.normal(0, 1, 3000), rng.normal(0, 1, 3000)
        for n in range(100, 3001, 100):  # thirty daily looks
            p = stats.sequential_p_value(stats.MeanSummary.from_array(a[:n]), stats.MeanSummary.from_array(b[:n]))
            if p < 0.05:
                false_alarms += 1
                break
    assert false_alarms / 200 <= 0.05


def test_chance_to_beat_control_beta_matches_monte_carlo_and_normal_limit():
    rng = np.random.default_rng(5)
    draws_t = rng.beta(1 + 60, 1 + 440, 400_000)
    draws_c = rng.beta(1 + 45, 1 + 455, 400_000)
    exact = stats.chance_to_beat_control_beta(45, 500, 60, 500)
    assert exact == pytest.approx((draws_t > draws_c).mean(), abs=0.003)
    assert exact == pytest.approx(0.938466790156, rel=1e-9), "the closed-form sum moved"
    assert stats.chance_to_beat_control_beta(50, 500, 50, 500) == pytest.approx(0.5, abs=0.01)
    large = stats.chance_to_beat_control_beta(3000, 100_000, 3150, 100_000)
    assert large == pytest.approx(scipy_stats.norm.cdf(0.0015 / math.sqrt(2 * 0.0300 * 0.97 / 100_000)), abs=0.01)


def test_required_units_per_variant_by_hand():
    # p = 0.1, detect +0.01: 2 * 0.09 * (1.96 + 0.8416)^2 / 0.0001 ~ 14,128.
    assert stats.required_units_per_variant(variance=0.09, difference=0.01) == pytest.approx(14_128, abs=5)
