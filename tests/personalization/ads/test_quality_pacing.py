"""Predicted CTR and pacing: pure functions on hand-computed values."""

from datetime import datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest

from personalization.ads.pacing import Spend, ahead_of_pace, budget_left, day_fraction, effective_bid
from personalization.ads.quality import CtrPrior, slot_prior, smoothed_ctr

PRIOR = CtrPrior(mean=0.02, strength=50)


def test_new_ad_starts_at_the_prior_mean():
    assert smoothed_ctr(clicks=0, impressions=0, prior=PRIOR) == pytest.approx(0.02)


def test_one_lucky_click_moves_the_estimate_only_a_little():
    # (1 + 1) / (3 + 50) = 0.0377...
    assert smoothed_ctr(clicks=1, impressions=3, prior=PRIOR) == pytest.approx(2 / 53)


def test_long_history_dominates_the_prior():
    assert smoothed_ctr(clicks=500, impressions=10_000, prior=PRIOR) == pytest.approx(501 / 10_050)


def test_slot_prior_follows_the_slot_average_once_it_has_history():
    assert slot_prior(clicks=0, impressions=0, default_ctr=0.02, strength=50).mean == pytest.approx(0.02)
    busy = slot_prior(clicks=5_000, impressions=100_000, default_ctr=0.02, strength=50)
    assert busy.mean == pytest.approx(0.05, abs=0.001)
    assert busy.strength == 50


def spend(today="0.00", total="0.00", daily_budget="24.00", total_budget="100.00"):
    return Spend(Decimal(daily_budget), Decimal(total_budget), Decimal(today), Decimal(total))


def test_day_fraction_in_the_shop_timezone(settings):
    noon = datetime(2025, 3, 10, 12, 0, tzinfo=ZoneInfo("UTC"))
    assert day_fraction(noon) == pytest.approx(0.5)


def test_campaign_ahead_of_pace_sits_out():
    # At 6:00 with 5% slack, a 24.00 daily budget allows 24 x 0.30 = 7.20 so far.
    assert not ahead_of_pace(spend(today="7.19"), fraction=0.25, slack=0.05)
    assert ahead_of_pace(spend(today="7.20"), fraction=0.25, slack=0.05)


def test_pace_never_allows_more_than_the_daily_budget():
    assert ahead_of_pace(spend(today="24.00"), fraction=0.99, slack=0.5)


def test_budget_left_is_the_smaller_of_daily_and_total():
    assert budget_left(spend(today="20.00")) == Decimal("4.00")
    assert budget_left(spend(total="99.50")) == Decimal("0.50")


def test_bid_is_capped_by_the_budget_left():
    assert effective_bid(max_cpc=Decimal("1.00"), spend=spend(total="99.70")) == Decimal("0.30")
    assert effective_bid(max_cpc=Decimal("1.00"), spend=spend()) == Decimal("1.00")
