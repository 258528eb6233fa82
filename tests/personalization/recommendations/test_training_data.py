import uuid
from datetime import timedelta

import pytest
from django.utils import timezone

from personalization.recommendations.training_data import choice_rows
from personalization.recsys.choices import Choice
from personalization.tracking.models import Event, VisitorLink
from tests.factories import make_user

pytestmark = pytest.mark.django_db


def _event(type, visitor_id, product, moment, **context):
    return Event(
        uuid=uuid.uuid4(),
        type=type,
        timestamp=moment,
        recorded_at=moment,
        visitor_id=visitor_id,
        product=product,
        context=context,
    )


def test_choice_rows_pair_each_click_with_the_cards_of_its_list(catalog):
    cameras = catalog["cameras"]
    start = timezone.now() - timedelta(days=1)
    user = make_user()
    VisitorLink.objects.create(user=user, visitor_id="signed-in")
    events = [_event(Event.Type.LIST_IMPRESSION, "anon", p, start, list_id="L1", position=n) for n, p in
              zip((3, 1, 2, 4), cameras[:4], strict=True)]  # fmt: skip
    events += [
        _event(Event.Type.LIST_IMPRESSION, "anon", cameras[4], start, list_id="L1", position="not a number"),
        _event(Event.Type.LIST_CLICK, "anon", cameras[0], start + timedelta(seconds=5), list_id="L1", position=3),
        # A list nobody clicked, and a click whose list left no impressions: neither is a choice.
        _event(Event.Type.LIST_IMPRESSION, "anon", cameras[0], start, list_id="L2", position=1),
        _event(Event.Type.LIST_CLICK, "anon", cameras[1], start, list_id="L3", position=1),
        _event(Event.Type.LIST_IMPRESSION, "signed-in", cameras[5], start, list_id="L4", position=1),
        _event(Event.Type.LIST_IMPRESSION, "signed-in", cameras[4], start, list_id="L4", position=2),
        _event(Event.Type.LIST_CLICK, "signed-in", cameras[4], start, list_id="L4", position=2),
    ]
    Event.objects.bulk_create(events)

    choices = sorted(choice_rows(), key=lambda c: c.user_id)

    assert choices == [
        Choice(f"u:{user.pk}", start.timestamp(), ((cameras[5].pk, 1), (cameras[4].pk, 2)), cameras[4].pk),
        Choice(
            "v:anon",
            (start + timedelta(seconds=5)).timestamp(),
            ((cameras[1].pk, 1), (cameras[2].pk, 2), (cameras[0].pk, 3), (cameras[3].pk, 4)),
            cameras[0].pk,
        ),
    ]
