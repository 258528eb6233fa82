"""At login the user keeps the variants their visitor id already saw (see services.exposures_carry_over)."""

from __future__ import annotations

import logging

from django.contrib.auth.signals import user_logged_in
from django.dispatch import receiver

from personalization.experiments.services import exposures_carry_over
from personalization.shopper import visitor_id_of

logger = logging.getLogger(__name__)


@receiver(user_logged_in, dispatch_uid="experiments_carry_over_at_login")
def carry_over_at_login(sender, request, user, **kwargs):
    visitor_id = visitor_id_of(request) if request is not None else None
    if not visitor_id:
        return
    try:
        exposures_carry_over(user_id=user.pk, visitor_id=visitor_id)
    except Exception:  # a failed carry-over must never fail a login
        logger.exception("Could not carry experiment exposures over to user %s", user.pk)
