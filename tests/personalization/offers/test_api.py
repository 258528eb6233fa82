"""GET /api/v1/offers for the app."""

import pytest
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from personalization.offers.models import OfferAssignment
from personalization.tracking.models import Event
from tests.personalization.offers.conftest import BROWSER_UA

pytestmark = pytest.mark.django_db


def test_signed_in_shopper_gets_their_offer(campaign, user):
    campaign.holdout_percent = 0
    campaign.save(update_fields=["holdout_percent"])
    client = APIClient(HTTP_USER_AGENT=BROWSER_UA)
    client.credentials(HTTP_AUTHORIZATION=f"Token {Token.objects.create(user=user).key}")

    body = client.get("/api/v1/offers").json()

    code = OfferAssignment.objects.get(user=user).voucher.code
    assert body["offer"]["code"] == code
    assert body["offer"]["label"] == "5.00 off"
    assert Event.objects.filter(type="coupon_shown", user=user).count() == 1


def test_anonymous_gets_none(campaign):
    assert APIClient().get("/api/v1/offers").json() == {"offer": None}
