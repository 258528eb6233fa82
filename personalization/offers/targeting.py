"""Who may get a campaign's offer, who is held out, and whether an offer pays: pure functions, no queries.

The holdout is a hash of (campaign salt, campaign key, user), the experiments app's bucket
function, so a shopper stays in the same group for the life of the campaign and a refactor
cannot reshuffle anybody. Exploration (before a model is trained) uses the experiments
app's second, independent hash, so the random choice is unrelated to the holdout.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from personalization.experiments.assignment import BUCKETS_PER_WEIGHT, traffic_bucket, variant_bucket
from personalization.shopper import Unit

TREATMENT = "treatment"
HOLDOUT = "holdout"


@dataclass(frozen=True)
class CampaignRules:
    key: str
    salt: str
    audience: str  # any, new, returning
    min_past_orders: int
    max_past_orders: int | None
    holdout_percent: int
    exploration_percent: int

    @classmethod
    def of(cls, campaign) -> CampaignRules:
        return cls(
            key=campaign.key,
            salt=campaign.salt,
            audience=campaign.audience,
            min_past_orders=campaign.min_past_orders,
            max_past_orders=campaign.max_past_orders,
            holdout_percent=campaign.holdout_percent,
            exploration_percent=campaign.exploration_percent,
        )


def _unit(user_id: int) -> str:
    return Unit.for_user(user_id).key


def group_for(rules: CampaignRules, user_id: int) -> str:
    bucket = variant_bucket(salt=rules.salt, experiment_key=f"offer:{rules.key}", unit_id=_unit(user_id))
    return HOLDOUT if bucket < rules.holdout_percent * BUCKETS_PER_WEIGHT else TREATMENT


def explored(rules: CampaignRules, user_id: int) -> bool:
    bucket = traffic_bucket(salt=rules.salt, experiment_key=f"offer:{rules.key}", unit_id=_unit(user_id))
    return bucket < rules.exploration_percent * BUCKETS_PER_WEIGHT


def is_eligible(rules: CampaignRules, *, past_orders: int) -> bool:
    if rules.audience == "new" and past_orders > 0:
        return False
    if rules.audience == "returning" and past_orders == 0:
        return False
    if past_orders < rules.min_past_orders:
        return False
    return rules.max_past_orders is None or past_orders <= rules.max_past_orders


def reserved_cost(*, kind: str, value: Decimal, max_discount: Decimal | None, max_shipping: Decimal) -> Decimal:
    """The most one code can take off: what the budget sets aside when the code is issued."""
    if kind == "fixed":
        return min(value, max_discount) if max_discount is not None else value
    if kind == "percent":
        if max_discount is None:
            raise ValueError("A percent-off offer needs a cap (max_discount) to be budgeted.")
        return max_discount
    return max_shipping


def expected_discount(
    *, kind: str, value: Decimal, max_discount: Decimal | None, order_value: Decimal, max_shipping: Decimal
) -> Decimal:
    """What one redemption is expected to cost, for an order of `order_value`."""
    if kind == "fixed":
        return min(value, order_value)
    if kind == "percent":
        cost = order_value * value / 100
        return min(cost, max_discount) if max_discount is not None else cost
    return max_shipping
