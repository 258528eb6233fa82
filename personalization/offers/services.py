"""Every write of the offers app: deciding a shopper's offer, issuing its code within budget, coupon events.

A shopper is decided once per campaign (an OfferAssignment). The steps: live campaign,
eligibility, budget left, holdout group (a hash), then the choice:

- `everyone`: every eligible shopper;
- `model`, with a trained uplift model: those whose expected incremental margin
  (uplift x average order value x margin rate - p(buy with offer) x expected discount) is positive;
- `model`, cold start (no model yet): a random `exploration_percent` of eligible shoppers,
  which is also what gives the first model its treated and held-out examples.

Holdout shoppers go through the same choice; those chosen are recorded but get no code,
so the report compares like with like. A treated shopper's code is issued with the
campaign row locked and its most possible discount reserved, so what is reserved plus
what was spent never passes the budget. A shopper not chosen is decided again after
REDECIDE_DAYS (the model or their behaviour may have changed).
"""

from __future__ import annotations

import logging
import threading
import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import Decimal

import numpy as np
from cachetools import LRUCache
from django.core.cache import cache
from django.db import IntegrityError, transaction
from django.utils import timezone

from personalization.offers import targeting
from personalization.offers.features import feature_vector, shopper_features
from personalization.offers.models import CouponCampaign, OfferAssignment
from personalization.offers.selectors import (
    assignments_for_user,
    average_order_value,
    campaign_committed,
    champion_uplift_model,
    live_campaigns,
    max_shipping_price,
)
from personalization.offers.uplift import TLearner, expected_incremental_margin
from shop.vouchers.services import voucher_issue_personal

logger = logging.getLogger(__name__)

REDECIDE_DAYS = 7
POLICIES = ("none", "everyone", "model")
Reason = OfferAssignment.Reason
SHOWN_NAMESPACE = uuid.UUID("0b7f4f8e-5a52-4c1e-9f57-1d2c3e4f5a60")
# The champion's learners, parsed once per process: keyed by its id, so a new champion replaces the old one.
_uplift_models: LRUCache[int, TLearner] = LRUCache(maxsize=1)
_uplift_lock = threading.Lock()


@dataclass(frozen=True)
class Offer:
    campaign_id: int
    campaign_key: str
    title: str
    code: str
    label: str
    min_spend: Decimal
    ends_at: datetime
    assignment_id: int


def _offer_of(assignment: OfferAssignment, campaign: CouponCampaign, now: datetime) -> Offer | None:
    voucher = assignment.voucher
    if assignment.group != targeting.TREATMENT or voucher is None:
        return None
    usable = voucher.is_active and voucher.used_count == 0 and (voucher.ends_at is None or voucher.ends_at > now)
    if not usable:
        return None
    return Offer(
        campaign_id=campaign.pk,
        campaign_key=campaign.key,
        title=campaign.name,
        code=voucher.code,
        label=voucher.label,
        min_spend=voucher.min_spend,
        ends_at=voucher.ends_at,
        assignment_id=assignment.pk,
    )


def offer_for_user(*, user, policy: str | None = None, now: datetime | None = None) -> Offer | None:
    """The shopper's current offer, deciding (and issuing a code) the first time; None for most shoppers.

    `policy` comes from a running coupon_policy experiment ("none", "everyone", "model");
    None leaves each campaign to its own targeting.
    """
    if user is None or not getattr(user, "is_authenticated", False) or policy == "none":
        return None
    now = now or timezone.now()
    campaigns = list(live_campaigns(now=now))
    if not campaigns:
        return None
    existing = assignments_for_user(user_id=user.pk, campaign_ids=[c.pk for c in campaigns])
    for campaign in campaigns:
        assignment = existing.get(campaign.pk)
        stale = (
            assignment is not None
            and not assignment.selected
            and assignment.decided_at < now - timedelta(days=REDECIDE_DAYS)
        )
        if assignment is None or stale:
            assignment = offer_decide(campaign=campaign, user=user, policy=policy, now=now, previous=assignment)
        offer = _offer_of(assignment, campaign, now) if assignment is not None else None
        if offer is not None:
            return offer
    return None


def _ineligible_key(campaign: CouponCampaign, user_id: int) -> str:
    return f"offers:ineligible:{campaign.pk}:{campaign.salt}:{user_id}"


def _uplift_model() -> TLearner | None:
    row = champion_uplift_model()
    if row is None:
        return None
    with _uplift_lock:
        model = _uplift_models.get(row.pk)
        if model is None:
            model = _uplift_models[row.pk] = TLearner.from_dict(row.parameters)
    return model


def _costs(campaign: CouponCampaign) -> tuple[Decimal, Decimal, Decimal]:
    """(reserved per code, expected discount per redemption, average order value)."""
    shipping = max_shipping_price()
    order_value = average_order_value()
    kind, value, cap = campaign.discount_kind, campaign.discount_value, campaign.max_discount
    reserve = targeting.reserved_cost(kind=kind, value=value, max_discount=cap, max_shipping=shipping)
    expected = targeting.expected_discount(
        kind=kind, value=value, max_discount=cap, order_value=order_value, max_shipping=shipping
    )
    return reserve, expected, order_value


def offer_decide(
    *,
    campaign: CouponCampaign,
    user,
    policy: str | None = None,
    now: datetime | None = None,
    previous: OfferAssignment | None = None,
) -> OfferAssignment | None:
    """Decide one shopper in one campaign; None when not eligible or no budget is left (nothing recorded)."""
    now = now or timezone.now()
    if cache.get(_ineligible_key(campaign, user.pk)):
        return None
    rules = targeting.CampaignRules.of(campaign)
    features = shopper_features([user.pk], now=now)[user.pk]
    if not targeting.is_eligible(rules, past_orders=int(features["past_orders"])):
        cache.set(_ineligible_key(campaign, user.pk), True, 60 * 60)
        return None
    reserve, expected, order_value = _costs(campaign)
    if campaign_committed(campaign=campaign, now=now) + reserve > campaign.budget:
        return None
    group = targeting.group_for(rules, user.pk)
    scores: dict = {}
    targeting_mode = policy or campaign.targeting
    if targeting_mode == CouponCampaign.Targeting.EVERYONE:
        selected, reason = True, Reason.EVERYONE
    else:
        model = _uplift_model()
        if model is None:
            selected = targeting.explored(rules, user.pk)
            reason = Reason.EXPLORATION if selected else Reason.NOT_SELECTED
        else:
            p_treated, p_control = (float(p[0]) for p in model.predict(np.asarray([feature_vector(features)])))
            margin = expected_incremental_margin(
                p_treated=p_treated,
                p_control=p_control,
                order_value=float(order_value),
                margin_rate=float(campaign.margin_rate),
                discount_cost=float(expected),
            )
            scores = {"p_treated": p_treated, "p_control": p_control, "expected_margin": margin}
            selected = margin > 0
            reason = Reason.MODEL if selected else Reason.NOT_SELECTED
    values = {
        "group": group,
        "selected": selected,
        "reason": reason,
        "features": features,
        "decided_at": now,
        "p_treated": scores.get("p_treated"),
        "p_control": scores.get("p_control"),
        "expected_margin": scores.get("expected_margin"),
    }
    if selected and group == targeting.TREATMENT:
        return _issue(campaign=campaign, user=user, values=values, reserve=reserve, now=now, previous=previous)
    return _save(campaign=campaign, user=user, values=values, previous=previous)


def _save(*, campaign, user, values: dict, previous: OfferAssignment | None) -> OfferAssignment:
    if previous is not None:
        for name, value in values.items():
            setattr(previous, name, value)
        previous.save(update_fields=list(values))
        return previous
    try:
        with transaction.atomic():
            return OfferAssignment.objects.create(campaign=campaign, user=user, **values)
    except IntegrityError:  # two pages of the same shopper decided at once: keep the first
        return OfferAssignment.objects.select_related("voucher").get(campaign=campaign, user=user)


def _issue(*, campaign, user, values: dict, reserve: Decimal, now: datetime, previous) -> OfferAssignment:
    with transaction.atomic():
        locked = CouponCampaign.objects.select_for_update().get(pk=campaign.pk)
        if campaign_committed(campaign=locked, now=now) + reserve > locked.budget:
            return _save(
                campaign=campaign,
                user=user,
                values={**values, "selected": False, "reason": Reason.BUDGET},
                previous=previous,
            )
        voucher = voucher_issue_personal(
            owner=user,
            kind=locked.discount_kind,
            value=locked.discount_value,
            min_spend=locked.min_spend,
            max_discount=locked.max_discount,
            ends_at=now + timedelta(days=locked.code_valid_days),
            prefix=locked.code_prefix,
            description=f"Offer of campaign {locked.key}",
        )
        return _save(
            campaign=campaign,
            user=user,
            values={**values, "voucher": voucher, "reserved_cost": reserve},
            previous=previous,
        )


def offer_shown_record(*, request, offer: Offer, now: datetime | None = None) -> bool:
    """coupon_shown, once per shopper per campaign per day (the event id is derived from the day); never raises."""
    try:
        from personalization.tracking.capture import defer, event_from_request, recording_allowed

        now = now or timezone.now()
        day = timezone.localdate(now).isoformat()
        marker = f"offers:shown:{offer.campaign_id}:{offer.assignment_id}:{day}"
        if not cache.add(marker, True, 60 * 60 * 26):
            return False
        OfferAssignment.objects.filter(pk=offer.assignment_id, shown_at__isnull=True).update(shown_at=now)
        if not recording_allowed(request):
            return False
        event_id = uuid.uuid5(SHOWN_NAMESPACE, f"{offer.assignment_id}:{day}")
        defer(
            request,
            event_from_request(
                request,
                type="coupon_shown",
                context={"campaign": offer.campaign_key, "coupon": offer.code},
                event_uuid=str(event_id),
            ),
        )
        return True
    except Exception:
        logger.exception("Could not record that offer %s was shown", offer.code)
        return False
