"""Predicted click-through rate of an ad: a Beta-Binomial smoothed CTR per (campaign, product).

A new ad starts at the slot's average CTR, as if it had been seen `strength` times at that rate;
each real impression and click then moves it towards what shoppers actually do. So a new ad can
win auctions on its bid alone, and one lucky click on three impressions does not make it a star.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class CtrPrior:
    mean: float  # the slot's average CTR
    strength: float  # in impressions

    @property
    def alpha(self) -> float:
        return self.mean * self.strength

    @property
    def beta(self) -> float:
        return (1.0 - self.mean) * self.strength


def smoothed_ctr(*, clicks: int, impressions: int, prior: CtrPrior) -> float:
    """Posterior mean of the CTR under a Beta(alpha, beta) prior: (clicks + alpha) / (impressions + alpha + beta)."""
    clicks = max(0, min(clicks, impressions))
    return (clicks + prior.alpha) / (max(impressions, 0) + prior.alpha + prior.beta)


def slot_prior(*, clicks: int, impressions: int, default_ctr: float, strength: float) -> CtrPrior:
    """The slot's average CTR, itself smoothed towards `default_ctr` while the slot has little history."""
    base = CtrPrior(mean=default_ctr, strength=strength * 20)
    return CtrPrior(mean=smoothed_ctr(clicks=clicks, impressions=impressions, prior=base), strength=strength)
