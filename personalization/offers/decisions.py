"""The offer a request's shopper sees, the same for the pages and the API (memoized on the request)."""

from __future__ import annotations

import logging

from django.http import HttpRequest

from personalization.experiments.decisions import assignment_for_request
from personalization.experiments.services import exposure_log
from personalization.offers.services import Offer, offer_for_user

logger = logging.getLogger(__name__)

STATE_ATTRIBUTE = "_offers_offer"


def coupon_policy_for_request(request: HttpRequest) -> str | None:
    """The policy of a running coupon_policy experiment that includes this shopper; None otherwise.

    Asked only when an offer is about to be shown, so this is where the policy's exposure is logged.
    """
    assignment = assignment_for_request(request, "coupon_policy")
    exposure_log(request=request, assignment=assignment)
    return assignment.config.get("policy") if assignment.in_experiment else None


def offer_for_request(request: HttpRequest | None) -> Offer | None:
    """Never raises: a broken offer must not break the page."""
    if request is None:
        return None
    if hasattr(request, STATE_ATTRIBUTE):
        return getattr(request, STATE_ATTRIBUTE)
    offer = None
    user = getattr(request, "user", None)
    if user is not None and user.is_authenticated:
        try:
            offer = offer_for_user(user=user, policy=coupon_policy_for_request(request))
        except Exception:
            logger.exception("Could not decide the offer of user %s", user.pk)
    setattr(request, STATE_ATTRIBUTE, offer)
    return offer
