"""What showing a personalized list records: its impression, and the ranker experiment's exposure.

Called by the code that shows a list (the template tags, the listing ranker, the recommendations
API), never by the code that ranks it, so a list that is computed but not shown logs nothing.
"""

from __future__ import annotations

import logging

from django.http import HttpRequest

from personalization.experiments.services import ranker_exposure_log
from personalization.serving.context import ShopperContext
from personalization.serving.ranking import RankedList
from personalization.tracking.capture import defer, event_from_request, recording_allowed

logger = logging.getLogger(__name__)

# Positions past this are not attributed: a page shows at most this many products of one list.
IMPRESSION_PRODUCTS = 48


def impression_log(*, request: HttpRequest | None, ranked: RankedList, slot: str, offset: int = 0) -> None:
    """One list_impression per shown list, with the product at each position, for click attribution.

    `offset` is the number of products before this page, so positions count across pages. Never raises.
    """
    if request is None or not ranked:
        return
    try:
        if not recording_allowed(request):
            return
        defer(
            request,
            event_from_request(
                request,
                type="list_impression",
                context={
                    "list_id": ranked.list_id,
                    "slot": slot,
                    "ranker": ranked.ranker,
                    "product_ids": [p.pk for p in ranked.products][:IMPRESSION_PRODUCTS],
                    "offset": offset,
                },
            ),
        )
    except Exception:
        logger.exception("Could not log the impression of %s", slot)


def shown_list_log(
    *, request: HttpRequest | None, context: ShopperContext, ranked: RankedList, slot: str, offset: int = 0
) -> None:
    """A personalized list is being shown: the ranker experiment's exposure, then the list's impression.

    The exposure counts even when the list is empty: the shopper was served by that arm.
    """
    if request is not None and context.enabled:
        ranker_exposure_log(request=request, has_history=context.has_history)
    impression_log(request=request, ranked=ranked, slot=slot, offset=offset)
