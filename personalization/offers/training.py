"""Train the uplift model from past campaign exposures and register it.

Rows: every chosen shopper whose outcome window has closed, treated (got a code) or held
out. Features are the ones stored when the shopper was decided, so the model learns from
what was known then. Outcome: an order (not cancelled or refunded) within the window after
the decision. A quarter of the rows, split at random, measure the new model (Qini, uplift
among the top 30%) before it is fitted on all rows; the newest model trained on enough data
becomes the champion (the data only grows, and older models saw a subset of it).
"""

from __future__ import annotations

from datetime import datetime, timedelta

import numpy as np
from django.conf import settings
from django.db import transaction
from django.utils import timezone

from personalization.offers.features import feature_vector
from personalization.offers.models import OfferAssignment, UpliftModel
from personalization.offers.targeting import HOLDOUT, TREATMENT
from personalization.offers.uplift import TLearner, qini_coefficient, uplift_at_top
from shop.models import Order

OUTCOME_DAYS = settings.OFFERS_OUTCOME_DAYS
MIN_PER_GROUP = 30
EVALUATION_SHARE = 0.25


class NotEnoughData(Exception):
    pass


def training_rows(*, outcome_days: int = OUTCOME_DAYS, now: datetime | None = None):
    """(X, treated, bought) of every chosen shopper whose outcome window has closed."""
    now = now or timezone.now()
    assignments = list(
        OfferAssignment.objects.filter(selected=True, decided_at__lte=now - timedelta(days=outcome_days))
        .filter(group__in=[TREATMENT, HOLDOUT])
        .exclude(group=TREATMENT, voucher__isnull=True)
        .values("user_id", "group", "decided_at", "features")
    )
    if not assignments:
        return np.zeros((0, 6)), np.zeros(0), np.zeros(0)
    first = min(row["decided_at"] for row in assignments)
    orders: dict[int, list[datetime]] = {}
    rows = (
        Order.objects.filter(user_id__in={row["user_id"] for row in assignments}, created_at__gte=first)
        .exclude(status__in=[Order.Status.CANCELLED, Order.Status.REFUNDED])
        .values_list("user_id", "created_at")
    )
    for user_id, created_at in rows:
        orders.setdefault(user_id, []).append(created_at)
    window = timedelta(days=outcome_days)
    X, treated, bought = [], [], []
    for row in assignments:
        start = row["decided_at"]
        X.append(feature_vector(row["features"]))
        treated.append(1.0 if row["group"] == TREATMENT else 0.0)
        bought.append(1.0 if any(start <= t < start + window for t in orders.get(row["user_id"], [])) else 0.0)
    return np.asarray(X, dtype=float), np.asarray(treated), np.asarray(bought)


def uplift_model_train(
    *, outcome_days: int = OUTCOME_DAYS, min_per_group: int = MIN_PER_GROUP, seed: int = 0, task_id: str = ""
) -> UpliftModel:
    X, treated, bought = training_rows(outcome_days=outcome_days)
    n_treated, n_control = int(treated.sum()), int(len(treated) - treated.sum())
    if min(n_treated, n_control) < min_per_group:
        raise NotEnoughData(
            f"{n_treated} treated and {n_control} held-out shoppers; at least {min_per_group} of each are needed."
        )
    rng = np.random.default_rng(seed)
    evaluation = rng.random(len(treated)) < EVALUATION_SHARE
    metrics = {}
    fit_rows = ~evaluation
    if evaluation.sum() and 0 < treated[fit_rows].sum() < fit_rows.sum():
        probe = TLearner().fit(X[fit_rows], treated[fit_rows], bought[fit_rows])
        scores = probe.uplift(X[evaluation])
        metrics = {
            "qini": round(qini_coefficient(scores, treated[evaluation], bought[evaluation]), 6),
            "uplift_top_30": round(uplift_at_top(scores, treated[evaluation], bought[evaluation]), 6),
            "evaluation_rows": int(evaluation.sum()),
        }
    model = TLearner().fit(X, treated, bought)
    metrics.update(
        treated_rate=round(float(bought[treated == 1].mean()), 6),
        control_rate=round(float(bought[treated == 0].mean()), 6),
    )
    with transaction.atomic():
        UpliftModel.objects.filter(status=UpliftModel.Status.CHAMPION).update(status=UpliftModel.Status.RETIRED)
        return UpliftModel.objects.create(
            status=UpliftModel.Status.CHAMPION,
            parameters=model.to_dict(),
            metrics=metrics,
            n_treated=n_treated,
            n_control=n_control,
            task_id=task_id,
        )
