"""Budget pacing and the budget an auction may bid with: pure functions of the campaign's counters and the clock.

An even spread of the daily budget allows `daily_budget x fraction of the day elapsed` by now,
plus a small slack so a campaign can start in the morning. A campaign that has spent more sits
out auctions until the clock catches up, so the budget lasts the whole day instead of the first hour.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from decimal import Decimal

from django.utils import timezone


@dataclass(frozen=True)
class Spend:
    daily_budget: Decimal
    total_budget: Decimal
    spent_today: Decimal  # already reset to 0 when the counter belongs to an earlier day
    spent_total: Decimal


def day_fraction(moment: datetime) -> float:
    """How much of the shop's local day has passed at `moment`, 0.0 to 1.0."""
    local = timezone.localtime(moment)
    start = local.replace(hour=0, minute=0, second=0, microsecond=0)
    return min(1.0, max(0.0, (local - start).total_seconds() / 86400.0))


def allowed_so_far(*, daily_budget: Decimal, fraction: float, slack: float) -> Decimal:
    return daily_budget * Decimal(repr(min(1.0, fraction + slack)))


def ahead_of_pace(spend: Spend, *, fraction: float, slack: float) -> bool:
    return spend.spent_today >= allowed_so_far(daily_budget=spend.daily_budget, fraction=fraction, slack=slack)


def budget_left(spend: Spend) -> Decimal:
    """The most one more click may cost: what is left of both the daily and the total budget."""
    return max(Decimal("0.00"), min(spend.daily_budget - spend.spent_today, spend.total_budget - spend.spent_total))


def effective_bid(*, max_cpc: Decimal, spend: Spend) -> Decimal:
    """A campaign never bids more than it could still pay, so a click it wins can be charged."""
    return min(max_cpc, budget_left(spend))


def seconds_until_tomorrow(moment: datetime) -> int:
    local = timezone.localtime(moment)
    tomorrow: date = local.date() + timedelta(days=1)
    midnight = datetime.combine(tomorrow, time.min, tzinfo=local.tzinfo)
    return max(1, int((midnight - local).total_seconds()))
