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


@pytest.mark.parametrize("t, df", [(0.5, 3), (2.1, 10.5), (-3.3, 40), (1.96, 5000), (8.0, 7)])
def test_student_t_p_value_matches_scipy(t, df):
    assert stats.student_t_two_sided_p(t, df) == pytest.approx(2 * scipy_stats.t.sf(abs(t), df), rel=1e-8, abs=1e-15)


@pytest.mark.parametrize("x, df", [(0.5, 1), (3.84, 1), (10.0, 3), (25.0, 2), (150.0, 4), (1.0, 10)])
def test_chi2_sf_matches_scipy(x, df):
    assert stats.chi2_sf(x, df) == pytest.approx(scipy_stats.chi2.sf(x, df), rel=1e-8, abs=1e-300)


def test_normal_functions_match_scipy():
    for x in (-3.0, -1.0, 0.0, 0.7, 2.5):
        assert stats.normal_cdf(x) == pytest.approx(scipy_stats.norm.cdf(x), rel=1e-12)
    assert stats.normal_ppf(0.975) == pytest.approx(scipy_stats.norm.ppf(0.975), rel=1e-9)


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
    assert stats.chance_to_beat_control_beta(50, 500, 50, 500) == pytest.approx(0.5, abs=0.01)
    large = stats.chance_to_beat_control_beta(3000, 100_000, 3150, 100_000)
    assert large == pytest.approx(scipy_stats.norm.cdf(0.0015 / math.sqrt(2 * 0.0300 * 0.97 / 100_000)), abs=0.01)


def test_required_units_per_variant_by_hand():
    # p = 0.1, detect +0.01: 2 * 0.09 * (1.96 + 0.8416)^2 / 0.0001 ~ 14,128.
    assert stats.required_units_per_variant(variance=0.09, difference=0.01) == pytest.approx(14_128, abs=5)
