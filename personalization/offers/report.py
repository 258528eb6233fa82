"""A campaign's report: conversion and revenue of offered shoppers against the holdout, spend and ROI.

Units: chosen shoppers, those who got a code (treatment) and those held out who would
have got one (holdout). Outcome: orders that still stand, placed after the decision
(and within `window_days` of it when given). The incremental numbers scale the per-unit
difference to the treated units; intervals are 95% (Wilson for rates, Welch's normal
approximation for differences). ROI = (incremental revenue x margin rate - spend) / spend.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import Decimal

from django.utils import timezone

from personalization.experiments.stats import Interval, MeanSummary, normal_ppf, welch_t_test, wilson_interval
from personalization.offers.models import CouponCampaign, OfferAssignment
from personalization.offers.selectors import campaign_reserved, campaign_spent
from personalization.offers.targeting import HOLDOUT, TREATMENT
from shop.models import Order

CONFIDENCE = 0.95


@dataclass(frozen=True)
class GroupResult:
    units: int
    converted: int
    revenue: float
    conversion: Interval
    revenue_per_unit: float


@dataclass(frozen=True)
class CampaignReport:
    treatment: GroupResult
    holdout: GroupResult
    conversion_difference: Interval  # treatment rate - holdout rate
    revenue_difference: Interval  # per unit
    p_value_conversion: float
    incremental_conversions: Interval
    incremental_revenue: Interval
    spend: Decimal
    reserved: Decimal
    budget: Decimal
    margin_rate: float
    shown: int
    applied: int
    redeemed: int

    @property
    def incremental_margin(self) -> float:
        return self.incremental_revenue.estimate * self.margin_rate

    @property
    def roi(self) -> float | None:
        return None if not self.spend else (self.incremental_margin - float(self.spend)) / float(self.spend)

    @property
    def budget_left(self) -> Decimal:
        return self.budget - self.spend - self.reserved


def difference_interval(control: MeanSummary, treatment: MeanSummary, *, confidence: float = CONFIDENCE) -> Interval:
    diff = treatment.mean - control.mean
    se2 = control.standard_error_squared + treatment.standard_error_squared
    if not math.isfinite(se2):
        return Interval(diff, -math.inf, math.inf)
    half = normal_ppf(0.5 + confidence / 2) * math.sqrt(se2)
    return Interval(diff, diff - half, diff + half)


def _scaled(interval: Interval, factor: float) -> Interval:
    return Interval(interval.estimate * factor, interval.low * factor, interval.high * factor)


def group_outcomes(values: list[float]) -> MeanSummary:
    return MeanSummary.from_array(values)


def campaign_report(
    *, campaign: CouponCampaign, window_days: int | None = None, now: datetime | None = None
) -> CampaignReport:
    now = now or timezone.now()
    units = list(
        OfferAssignment.objects.filter(campaign=campaign, selected=True)
        .exclude(group=TREATMENT, voucher__isnull=True)
        .values("user_id", "group", "decided_at", "shown_at", "applied_at", "redeemed_at")
    )
    orders: dict[int, list[tuple[datetime, Decimal]]] = {}
    if units:
        rows = (
            Order.objects.filter(
                user_id__in={u["user_id"] for u in units}, created_at__gte=min(u["decided_at"] for u in units)
            )
            .exclude(status__in=[Order.Status.CANCELLED, Order.Status.REFUNDED])
            .values_list("user_id", "created_at", "total")
        )
        for user_id, created_at, total in rows:
            orders.setdefault(user_id, []).append((created_at, total))
    window = timedelta(days=window_days) if window_days else None
    converted: dict[str, list[float]] = {TREATMENT: [], HOLDOUT: []}
    revenue: dict[str, list[float]] = {TREATMENT: [], HOLDOUT: []}
    for unit in units:
        start = unit["decided_at"]
        end = start + window if window else now
        amounts = [float(total) for at, total in orders.get(unit["user_id"], []) if start <= at < end]
        converted[unit["group"]].append(1.0 if amounts else 0.0)
        revenue[unit["group"]].append(sum(amounts))

    results = {}
    for group in (TREATMENT, HOLDOUT):
        n, wins = len(converted[group]), int(sum(converted[group]))
        money = sum(revenue[group])
        results[group] = GroupResult(
            units=n,
            converted=wins,
            revenue=round(money, 2),
            conversion=wilson_interval(wins, n, confidence=CONFIDENCE),
            revenue_per_unit=money / n if n else 0.0,
        )
    conversion_t = MeanSummary.from_proportion(results[TREATMENT].converted, results[TREATMENT].units)
    conversion_h = MeanSummary.from_proportion(results[HOLDOUT].converted, results[HOLDOUT].units)
    revenue_t, revenue_h = group_outcomes(revenue[TREATMENT]), group_outcomes(revenue[HOLDOUT])
    conversion_difference = difference_interval(conversion_h, conversion_t)
    revenue_difference = difference_interval(revenue_h, revenue_t)
    treated = results[TREATMENT].units
    treatment_units = [u for u in units if u["group"] == TREATMENT]
    return CampaignReport(
        treatment=results[TREATMENT],
        holdout=results[HOLDOUT],
        conversion_difference=conversion_difference,
        revenue_difference=revenue_difference,
        p_value_conversion=welch_t_test(conversion_h, conversion_t).p_value,
        incremental_conversions=_scaled(conversion_difference, treated),
        incremental_revenue=_scaled(revenue_difference, treated),
        spend=campaign_spent(campaign=campaign),
        reserved=campaign_reserved(campaign=campaign, now=now),
        budget=campaign.budget,
        margin_rate=float(campaign.margin_rate),
        shown=sum(1 for u in treatment_units if u["shown_at"]),
        applied=sum(1 for u in treatment_units if u["applied_at"]),
        redeemed=sum(1 for u in treatment_units if u["redeemed_at"]),
    )
