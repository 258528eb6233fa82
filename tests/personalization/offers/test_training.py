"""The Celery task trains an uplift model on past exposures and makes it the champion."""

from datetime import timedelta
from decimal import Decimal

import numpy as np
import pytest

from personalization.offers.models import OfferAssignment, UpliftModel
from personalization.offers.tasks import train_uplift_model
from shop.vouchers.models import Voucher
from tests.factories import make_user
from tests.personalization.offers.conftest import make_campaign, make_order

pytestmark = pytest.mark.django_db


def exposures(now, n=120, seed=5):
    """Treated discount-sensitive shoppers buy; nobody else does."""
    campaign = make_campaign()
    rng = np.random.default_rng(seed)
    decided = now - timedelta(days=30)
    for i in range(n):
        user = make_user(username=f"past{i}")
        treated, sensitive = i % 2 == 0, rng.random() < 0.5
        voucher = (
            Voucher.objects.create(code=f"PAST{i}", kind="fixed", value=Decimal("5"), owner=user, usage_limit=1)
            if treated
            else None
        )
        features = {"discount_sensitivity": 1.0 if sensitive else 0.0, "recency": float(rng.random())}
        OfferAssignment.objects.create(
            campaign=campaign,
            user=user,
            group="treatment" if treated else "holdout",
            selected=True,
            reason="exploration",
            voucher=voucher,
            features=features,
            decided_at=decided,
        )
        if treated and sensitive:
            make_order(user, created_at=decided + timedelta(days=2))


def test_task_trains_and_promotes_a_model(now, celery_eager):
    exposures(now)

    result = train_uplift_model.delay(outcome_days=14).get()

    model = UpliftModel.objects.get(pk=result["model"])
    assert model.status == UpliftModel.Status.CHAMPION
    assert (model.n_treated, model.n_control) == (60, 60)
    assert model.metrics["control_rate"] == 0.0 and model.metrics["treated_rate"] > 0.3


def test_second_model_retires_the_first(now, celery_eager):
    exposures(now)
    first = train_uplift_model.delay(outcome_days=14).get()["model"]
    second = train_uplift_model.delay(outcome_days=14).get()["model"]

    assert UpliftModel.objects.get(pk=first).status == UpliftModel.Status.RETIRED
    assert UpliftModel.objects.get(pk=second).status == UpliftModel.Status.CHAMPION


def test_not_enough_exposures_is_not_an_error(now, celery_eager):
    result = train_uplift_model.delay(outcome_days=14).get()
    assert result["model"] is None and "at least" in result["reason"]
