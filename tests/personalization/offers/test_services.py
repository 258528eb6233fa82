"""Deciding offers: eligibility, holdout, exploration, the model's choice and the budget."""

from datetime import timedelta
from decimal import Decimal

import numpy as np
import pytest

from personalization.offers import targeting
from personalization.offers.models import CouponCampaign, OfferAssignment, UpliftModel
from personalization.offers.selectors import campaign_committed
from personalization.offers.services import offer_for_user
from personalization.offers.uplift import FEATURE_NAMES, TLearner
from shop.vouchers.models import Voucher
from tests.factories import make_user
from tests.personalization.offers.conftest import make_campaign, make_order

pytestmark = pytest.mark.django_db


def shoppers(n: int, prefix: str = "shopper") -> list:
    return [make_user(username=f"{prefix}{i}") for i in range(n)]


def test_holdout_is_a_pinned_hash_of_campaign_and_shopper():
    rules = targeting.CampaignRules.of(make_campaign(key="pinned", salt="s1", holdout_percent=20))
    assert [targeting.group_for(rules, user_id) for user_id in range(1, 9)] == [
        "treatment",
        "treatment",
        "holdout",
        "treatment",
        "treatment",
        "holdout",
        "treatment",
        "treatment",
    ]


def test_holdout_shoppers_never_see_the_offer(campaign):
    # given a campaign for everyone with a 20% holdout
    people = shoppers(60)
    rules = targeting.CampaignRules.of(campaign)

    # when each of them asks three times
    offers = {user.pk: [offer_for_user(user=user) for _ in range(3)] for user in people}

    # then held-out shoppers got nothing, ever, and the others a personal code of their own
    held_out = [user for user in people if targeting.group_for(rules, user.pk) == targeting.HOLDOUT]
    assert 4 <= len(held_out) <= 24
    for user in people:
        if user in held_out:
            assert offers[user.pk] == [None, None, None], user
        else:
            codes = {offer.code for offer in offers[user.pk]}
            assert len(codes) == 1
            assert Voucher.objects.get(code=codes.pop()).owner == user
    assert not Voucher.objects.filter(owner__in=held_out).exists()
    assert OfferAssignment.objects.filter(group="holdout", selected=True).count() == len(held_out)


def test_eligibility_by_past_orders(now):
    make_campaign(audience=CouponCampaign.Audience.RETURNING, holdout_percent=0, min_past_orders=2)
    loyal, once, new = shoppers(3)
    for _ in range(2):
        make_order(loyal, created_at=now - timedelta(days=10))
    make_order(once, created_at=now - timedelta(days=10))

    assert offer_for_user(user=loyal) is not None
    assert offer_for_user(user=once) is None
    assert offer_for_user(user=new) is None


def test_new_customers_only(now):
    make_campaign(audience=CouponCampaign.Audience.NEW, holdout_percent=0)
    returning, new = shoppers(2)
    make_order(returning, created_at=now - timedelta(days=3))

    assert offer_for_user(user=returning) is None
    assert offer_for_user(user=new) is not None


def test_anonymous_and_policy_none_get_nothing(campaign, user):
    from django.contrib.auth.models import AnonymousUser

    assert offer_for_user(user=AnonymousUser()) is None
    assert offer_for_user(user=user, policy="none") is None
    assert not OfferAssignment.objects.exists()


def test_cold_start_offers_a_random_share_within_budget():
    # given no trained model: the campaign explores with half the eligible shoppers
    make_campaign(targeting=CouponCampaign.Targeting.MODEL, exploration_percent=50, holdout_percent=0)
    people = shoppers(80)

    offered = [user for user in people if offer_for_user(user=user) is not None]

    assert 20 <= len(offered) <= 60
    reasons = set(OfferAssignment.objects.values_list("reason", flat=True))
    assert reasons == {"exploration", "not_selected"}


def test_trained_model_offers_to_those_whose_margin_beats_the_cost(now):
    # given a champion model under which only discount-sensitive shoppers respond to the offer
    rng = np.random.default_rng(3)
    n = 3000
    X = rng.normal(size=(n, len(FEATURE_NAMES)))
    sensitive = rng.random(n) < 0.5
    X[:, FEATURE_NAMES.index("discount_sensitivity")] = sensitive
    treated = rng.random(n) < 0.5
    bought = (rng.random(n) < np.where(treated & sensitive, 0.6, 0.05)).astype(float)
    model = TLearner().fit(X, treated, bought)
    UpliftModel.objects.create(status=UpliftModel.Status.CHAMPION, parameters=model.to_dict())
    make_campaign(targeting=CouponCampaign.Targeting.MODEL, holdout_percent=0, discount_value=Decimal("5.00"))
    bargain_hunter, indifferent = shoppers(2)
    for user, used_voucher in ((bargain_hunter, True), (indifferent, False)):
        order = make_order(user, created_at=now - timedelta(days=20))
        if used_voucher:
            voucher = Voucher.objects.create(code=f"PAST{user.pk}", kind="fixed", value=Decimal("1"))
            voucher.redemptions.create(order=order, user=user, email=user.email, amount=Decimal("1.00"))

    # when / then
    assert offer_for_user(user=bargain_hunter) is not None
    assert offer_for_user(user=indifferent) is None
    chosen = OfferAssignment.objects.get(user=bargain_hunter)
    assert chosen.reason == "model" and chosen.expected_margin > 0 and chosen.p_treated > chosen.p_control
    assert OfferAssignment.objects.get(user=indifferent).expected_margin <= 0


def test_budget_is_never_exceeded(now):
    # given room for three 10.00 codes
    campaign = make_campaign(budget=Decimal("35.00"), discount_value=Decimal("10.00"), holdout_percent=0)
    people = shoppers(10)

    offered = [user for user in people if offer_for_user(user=user) is not None]

    assert len(offered) == 3
    assert campaign_committed(campaign=campaign) == Decimal("30.00")
    assert Voucher.objects.filter(owner__isnull=False).count() == 3


def test_expired_codes_give_their_reservation_back(now):
    campaign = make_campaign(budget=Decimal("10.00"), discount_value=Decimal("10.00"), holdout_percent=0)
    first, second = shoppers(2)
    assert offer_for_user(user=first) is not None
    assert offer_for_user(user=second) is None

    later = now + timedelta(days=campaign.code_valid_days + 1)

    assert offer_for_user(user=first, now=later) is None  # the old code expired
    assert offer_for_user(user=second, now=later + timedelta(days=8)) is not None


def test_percent_campaign_reserves_its_cap():
    make_campaign(
        discount_kind="percent",
        discount_value=Decimal("20"),
        max_discount=Decimal("15.00"),
        budget=Decimal("30.00"),
        holdout_percent=0,
    )
    offered = [user for user in shoppers(5) if offer_for_user(user=user) is not None]
    assert len(offered) == 2
