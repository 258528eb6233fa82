"""Statistics of experiment results: pure functions over counts, sums and arrays.

The distribution functions are scipy.special's (ndtr, ndtri, stdtr, chdtrc: the routines
behind scipy.stats, without its import cost), imported by the functions that call them: the
admin and the pages import this module, and scipy.special alone costs ~0.4 s of every
process start; what is written here is the experiment logic
(Welch's test, lift intervals, SRM, CUPED, the mixture sequential test). Everything works
from sufficient statistics (n, sum y, sum y^2, ...) so that the database does the
aggregation and Python only does arithmetic on a handful of numbers.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

SRM_ALPHA = 0.001


def normal_ppf(p: float) -> float:
    from scipy.special import ndtri

    return float(ndtri(p))


@dataclass(frozen=True)
class MeanSummary:
    """A sample's size, mean and unbiased variance."""

    n: int
    mean: float
    variance: float

    @classmethod
    def from_sums(cls, n: int, total: float, total_squares: float) -> MeanSummary:
        if n <= 0:
            return cls(0, 0.0, 0.0)
        mean = total / n
        variance = max(0.0, (total_squares - n * mean * mean) / (n - 1)) if n > 1 else 0.0
        return cls(int(n), mean, variance)

    @classmethod
    def from_array(cls, values: Sequence[float] | np.ndarray) -> MeanSummary:
        array = np.asarray(values, dtype=float)
        return cls.from_sums(len(array), float(array.sum()), float((array * array).sum()))

    @classmethod
    def from_proportion(cls, successes: int, n: int) -> MeanSummary:
        # A 0/1 metric: sum of squares equals the sum.
        return cls.from_sums(n, float(successes), float(successes))

    @property
    def standard_error_squared(self) -> float:
        return self.variance / self.n if self.n else math.inf


@dataclass(frozen=True)
class TestResult:
    statistic: float
    df: float
    p_value: float


@dataclass(frozen=True)
class Interval:
    estimate: float
    low: float
    high: float

    @property
    def excludes_zero(self) -> bool:
        return self.low > 0 or self.high < 0


def wilson_interval(successes: int, n: int, *, confidence: float = 0.95) -> Interval:
    """The Wilson score interval of a conversion rate (good near 0 and 1, unlike the normal one)."""
    if n <= 0:
        return Interval(0.0, 0.0, 1.0)
    z = normal_ppf(0.5 + confidence / 2.0)
    p = successes / n
    denominator = 1.0 + z * z / n
    centre = (p + z * z / (2 * n)) / denominator
    half = z * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n)) / denominator
    low = 0.0 if successes == 0 else max(0.0, centre - half)
    high = 1.0 if successes == n else min(1.0, centre + half)
    return Interval(p, low, high)


def welch_t_test(control: MeanSummary, treatment: MeanSummary) -> TestResult:
    """Welch's unequal-variance t test of treatment mean minus control mean (two-sided)."""
    se_c, se_t = control.standard_error_squared, treatment.standard_error_squared
    if control.n < 2 or treatment.n < 2:
        return TestResult(0.0, 0.0, 1.0)
    se2 = se_c + se_t
    diff = treatment.mean - control.mean
    if se2 <= 0.0:
        return TestResult(0.0 if diff == 0 else math.copysign(math.inf, diff), math.inf, 1.0 if diff == 0 else 0.0)
    from scipy.special import stdtr

    t = diff / math.sqrt(se2)
    df = se2 * se2 / (se_c * se_c / (control.n - 1) + se_t * se_t / (treatment.n - 1))
    return TestResult(t, df, min(1.0, 2.0 * float(stdtr(df, -abs(t)))))


def relative_lift(control: MeanSummary, treatment: MeanSummary, *, confidence: float = 0.95) -> Interval:
    """Treatment mean / control mean - 1, with a delta-method interval.

    Var(m_t / m_c) ~ se_t^2 / m_c^2 + m_t^2 se_c^2 / m_c^4 (the two samples are independent).
    """
    if control.n == 0 or treatment.n == 0 or control.mean == 0:
        return Interval(0.0, -math.inf, math.inf)
    ratio = treatment.mean / control.mean
    variance = (
        treatment.standard_error_squared / control.mean**2
        + treatment.mean**2 * control.standard_error_squared / control.mean**4
    )
    half = normal_ppf(0.5 + confidence / 2.0) * math.sqrt(variance)
    return Interval(ratio - 1.0, ratio - 1.0 - half, ratio - 1.0 + half)


def lift_p_value(control: MeanSummary, treatment: MeanSummary) -> float:
    return welch_t_test(control, treatment).p_value


@dataclass(frozen=True)
class SampleRatioCheck:
    chi2: float
    p_value: float
    expected: tuple[float, ...]

    @property
    def alarm(self) -> bool:
        return self.p_value < SRM_ALPHA


def sample_ratio_mismatch(observed: Sequence[int], weights: Sequence[float]) -> SampleRatioCheck:
    """Chi-square goodness of fit of the units per variant against the configured weights."""
    total = float(sum(observed))
    weight_sum = float(sum(weights))
    if total <= 0 or weight_sum <= 0 or len(observed) < 2:
        return SampleRatioCheck(0.0, 1.0, tuple(0.0 for _ in observed))
    expected = tuple(total * w / weight_sum for w in weights)
    chi2 = sum((o - e) ** 2 / e for o, e in zip(observed, expected, strict=True) if e > 0)
    from scipy.special import chdtrc

    return SampleRatioCheck(chi2, float(chdtrc(len(observed) - 1, chi2)), expected)


@dataclass(frozen=True)
class CupedSums:
    """Sufficient statistics of one variant: outcome Y (revenue after exposure), covariate X (before)."""

    n: int
    sum_y: float
    sum_y2: float
    sum_x: float
    sum_x2: float
    sum_xy: float

    @classmethod
    def from_arrays(cls, y: Sequence[float] | np.ndarray, x: Sequence[float] | np.ndarray) -> CupedSums:
        y, x = np.asarray(y, dtype=float), np.asarray(x, dtype=float)
        return cls(len(y), y.sum(), (y * y).sum(), x.sum(), (x * x).sum(), (x * y).sum())

    def __add__(self, other: CupedSums) -> CupedSums:
        return CupedSums(*(a + b for a, b in zip(self.as_tuple(), other.as_tuple(), strict=True)))

    def as_tuple(self) -> tuple:
        return (self.n, self.sum_y, self.sum_y2, self.sum_x, self.sum_x2, self.sum_xy)

    @property
    def outcome(self) -> MeanSummary:
        return MeanSummary.from_sums(self.n, self.sum_y, self.sum_y2)

    @property
    def var_x(self) -> float:
        return MeanSummary.from_sums(self.n, self.sum_x, self.sum_x2).variance

    @property
    def cov_xy(self) -> float:
        if self.n < 2:
            return 0.0
        return (self.sum_xy - self.sum_x * self.sum_y / self.n) / (self.n - 1)


def cuped_theta(variants: Sequence[CupedSums]) -> float:
    """theta = cov(Y, X) / var(X) on all units pooled, so every variant is adjusted by the same amount."""
    pooled = variants[0]
    for sums in variants[1:]:
        pooled = pooled + sums
    var_x = pooled.var_x
    return pooled.cov_xy / var_x if var_x > 0 else 0.0


def cuped_adjust(sums: CupedSums, *, theta: float, mean_x: float) -> MeanSummary:
    """Y - theta (X - mean X): same expectation, variance var(Y) - 2 theta cov + theta^2 var(X)."""
    outcome = sums.outcome
    if sums.n == 0:
        return outcome
    variance = outcome.variance - 2 * theta * sums.cov_xy + theta * theta * sums.var_x
    return MeanSummary(sums.n, outcome.mean - theta * (sums.sum_x / sums.n - mean_x), max(0.0, variance))


@dataclass(frozen=True)
class CupedResult:
    theta: float
    adjusted: tuple[MeanSummary, ...]
    variance_reduction: float  # share of the outcome variance removed, 0..1


def cuped(variants: Sequence[CupedSums]) -> CupedResult:
    theta = cuped_theta(variants)
    n = sum(v.n for v in variants)
    mean_x = sum(v.sum_x for v in variants) / n if n else 0.0
    adjusted = tuple(cuped_adjust(v, theta=theta, mean_x=mean_x) for v in variants)
    raw = sum(v.outcome.variance * v.n for v in variants)
    after = sum(a.variance * a.n for a in adjusted)
    return CupedResult(theta, adjusted, 1.0 - after / raw if raw > 0 else 0.0)


def mixture_variance(per_unit_variance: float, *, tuning_n: int = 10_000, alpha: float = 0.05) -> float:
    """tau^2 of the normal mixture, chosen so the boundary is tightest near `tuning_n` units per arm.

    rho^2 = (-2 ln alpha + ln(-2 ln alpha + 1)) / N* (Howard et al. 2021), scaled by the
    per-unit variance of the difference so the mixture lives on the scale of the metric.
    """
    log_alpha = -2.0 * math.log(alpha)
    rho2 = (log_alpha + math.log(log_alpha + 1.0)) / tuning_n
    return per_unit_variance * rho2


def always_valid_p_value(difference: float, variance: float, *, tau2: float) -> float:
    """Mixture SPRT p-value for H0: difference = 0 (Johari et al. 2017, normal mixture N(0, tau2)).

    Lambda = sqrt(V / (V + tau2)) exp(tau2 d^2 / (2 V (V + tau2))), p = min(1, 1 / Lambda), with
    V the variance of the estimated difference. Valid at any stopping time when the running
    minimum over looks is reported (`running_minimum`), so staff may look every day.
    """
    if variance <= 0.0 or tau2 <= 0.0:
        return 1.0
    log_lambda = 0.5 * math.log(variance / (variance + tau2)) + tau2 * difference * difference / (
        2.0 * variance * (variance + tau2)
    )
    return 1.0 if log_lambda <= 0 else min(1.0, math.exp(-log_lambda))


def sequential_p_value(control: MeanSummary, treatment: MeanSummary, *, tuning_n: int = 10_000) -> float:
    if control.n < 2 or treatment.n < 2:
        return 1.0
    pooled_variance = (control.variance * (control.n - 1) + treatment.variance * (treatment.n - 1)) / (
        control.n + treatment.n - 2
    )
    # One treated minus one control unit has variance 2 sigma^2; V at N* units per arm is 2 sigma^2 / N*.
    tau2 = mixture_variance(2.0 * pooled_variance, tuning_n=tuning_n)
    return always_valid_p_value(
        treatment.mean - control.mean,
        control.standard_error_squared + treatment.standard_error_squared,
        tau2=tau2,
    )


def running_minimum(values: Sequence[float]) -> list[float]:
    return list(np.minimum.accumulate(np.asarray(values, dtype=float))) if len(values) else []


def chance_to_beat_control_beta(
    control_successes: int, control_n: int, treatment_successes: int, treatment_n: int
) -> float:
    """P(p_t > p_c) with independent Beta(1 + s, 1 + n - s) posteriors.

    Exact sum (Evan Miller's closed form) while it is short; a normal approximation of the
    two Beta posteriors beyond that, where both are close to normal anyway.
    """
    a_t, b_t = 1 + treatment_successes, 1 + treatment_n - treatment_successes
    a_c, b_c = 1 + control_successes, 1 + control_n - control_successes
    if a_t <= 2_000:
        from scipy.special import betaln

        i = np.arange(a_t)
        terms = betaln(a_c + i, b_t + b_c) - np.log(b_t + i) - betaln(1 + i, b_t) - betaln(a_c, b_c)
        total = float(np.exp(terms).sum())
        return min(1.0, max(0.0, total))

    def moments(a: float, b: float) -> tuple[float, float]:
        return a / (a + b), a * b / ((a + b) ** 2 * (a + b + 1))

    mean_t, var_t = moments(a_t, b_t)
    mean_c, var_c = moments(a_c, b_c)
    return chance_to_beat_normal(mean_t - mean_c, var_t + var_c)


def chance_to_beat_normal(difference: float, variance: float) -> float:
    """P(true difference > 0) under a flat prior and a normal likelihood."""
    if variance <= 0:
        return 0.5 if difference == 0 else float(difference > 0)
    from scipy.special import ndtr

    return float(ndtr(difference / math.sqrt(variance)))


def required_units_per_variant(
    *, variance: float, difference: float, alpha: float = 0.05, power: float = 0.8
) -> int | None:
    """Units per variant for a two-sided test to detect `difference` with per-unit `variance` per arm."""
    if difference == 0 or variance <= 0:
        return None
    z = normal_ppf(1 - alpha / 2) + normal_ppf(power)
    return math.ceil(2 * variance * z * z / (difference * difference))
