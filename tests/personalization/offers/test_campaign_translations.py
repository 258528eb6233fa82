"""The offer's title is the campaign's name in the shopper's language, English where it has none."""

from decimal import Decimal

import pytest
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from tests.personalization.offers.conftest import BROWSER_UA, make_campaign

pytestmark = pytest.mark.django_db


def offer_title(user, language: str) -> str:
    client = APIClient(HTTP_USER_AGENT=BROWSER_UA, HTTP_ACCEPT_LANGUAGE=language)
    client.credentials(HTTP_AUTHORIZATION=f"Token {Token.objects.get_or_create(user=user)[0].key}")
    return client.get("/api/v1/offers").json()["offer"]["title"]


def test_offer_title_follows_the_language(user):
    # given
    make_campaign(name_en="Spring treat", name_zh_hans="春日特惠", holdout_percent=0)

    # when / then
    assert offer_title(user, "zh-hans") == "春日特惠"
    assert offer_title(user, "en") == "Spring treat"


def test_offer_title_without_a_chinese_name_is_the_english_one(user):
    # given
    make_campaign(name="Spring treat", holdout_percent=0)

    # when / then
    assert offer_title(user, "zh-hans") == "Spring treat"


def test_discount_label_and_checks_speak_the_staff_language():
    # given
    from django.core.exceptions import ValidationError
    from django.utils import translation

    percent = make_campaign(discount_kind="percent", discount_value=Decimal("10"), max_discount=Decimal("20"))
    unbounded = make_campaign(discount_kind="percent", discount_value=Decimal("10"), max_discount=None)

    # when / then
    with translation.override("zh-hans"):
        assert percent.discount_label == "立减 10%"
        with pytest.raises(ValidationError) as raised:
            unbounded.clean()
        assert "上限" in str(raised.value)
    with translation.override("en"):
        assert percent.discount_label == "10% off"
