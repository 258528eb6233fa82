import uuid
from datetime import timedelta

import pytest
from django.utils import timezone

from personalization.recommendations.training_data import interaction_rows
from personalization.tracking.models import Event, VisitorLink
from shop.reviews.models import Review
from tests.factories import make_user

pytestmark = pytest.mark.django_db


def _purchase(product, moment, *, user=None, visitor_id="anon"):
    return Event(
        uuid=uuid.uuid4(),
        type=Event.Type.PURCHASE,
        timestamp=moment,
        recorded_at=moment,
        visitor_id=visitor_id,
        user=user,
        product=product,
    )


@pytest.fixture
def rated_purchases(catalog):
    """A shopper who bought four cameras (one before signing in) and rated three of them 5, 3 and 1 stars."""
    cameras = catalog["cameras"]
    shopper = make_user()
    VisitorLink.objects.create(user=shopper, visitor_id="phone")
    moment = timezone.now() - timedelta(days=3)
    Event.objects.bulk_create(
        [
            _purchase(cameras[0], moment, user=shopper),
            _purchase(cameras[1], moment, user=shopper),
            _purchase(cameras[2], moment, visitor_id="phone"),  # linked to the shopper at sign-in
            _purchase(cameras[3], moment, user=shopper),
        ]
    )
    for camera, stars in zip(cameras[:3], (5, 3, 1), strict=True):
        Review.objects.create(product=camera, user=shopper, rating=stars, language="en")
    return shopper, cameras


def test_a_reviewed_purchase_carries_its_stars_into_the_training_rows(rated_purchases):
    shopper, cameras = rated_purchases

    kinds = {product_id: kind for _unit, product_id, _t, kind in interaction_rows(ratings=True)}

    assert kinds == {
        cameras[0].pk: "purchase_rated_high",
        cameras[1].pk: "purchase",
        cameras[2].pk: "purchase_rated_low",
        cameras[3].pk: "purchase",
    }


def test_without_the_rating_signal_every_purchase_is_a_purchase(rated_purchases):
    kinds = {kind for _unit, _product_id, _t, kind in interaction_rows()}

    assert kinds == {"purchase"}


def test_another_shoppers_review_leaves_the_purchase_unrated(catalog):
    cameras = catalog["cameras"]
    buyer, critic = make_user(), make_user()
    Event.objects.bulk_create([_purchase(cameras[0], timezone.now(), user=buyer)])
    Review.objects.create(product=cameras[0], user=critic, rating=1, language="en")

    assert [kind for *_rest, kind in interaction_rows(ratings=True)] == ["purchase"]
