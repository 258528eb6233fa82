"""personalization.shopper: one unit key, one device rule, and the visitor cookie unsigned once per request."""

import pytest
from django.contrib.auth.models import AnonymousUser
from django.test import RequestFactory
from django.urls import reverse

from personalization.experiments.models import Exposure
from personalization.shopper import Unit, device_for_user_agent, device_of, is_returning, unit_for, unit_for_request
from personalization.tracking import identity
from personalization.tracking.identity import VISITOR_COOKIE, sign_visitor_id
from tests.factories import make_product, make_user
from tests.personalization.experiments.conftest import make_experiment

DESKTOP_UA = "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0 Safari/537.36"


def a_request(*, visitor_id=None, user=None, returning=None, user_agent=DESKTOP_UA):
    request = RequestFactory().get("/", HTTP_USER_AGENT=user_agent)
    request.user = user or AnonymousUser()
    if visitor_id is not None:
        request.visitor_id = visitor_id
    if returning is not None:
        request.visitor_returning = returning
    return request


def test_unit_keys_are_made_in_one_place():
    assert Unit.for_user(7).key == "u:7"
    assert Unit.for_visitor("abc").key == "v:abc"
    assert unit_for(user_id=7, visitor_id="abc") == Unit.for_user(7), "a signed-in user is the unit, not the browser"
    assert unit_for(visitor_id="abc") == Unit.for_visitor("abc")
    assert unit_for() is None and unit_for(visitor_id="") is None


@pytest.mark.django_db
def test_unit_for_request_is_the_user_when_signed_in_else_the_visitor():
    user = make_user()
    assert unit_for_request(a_request(visitor_id="v1", user=user)).key == f"u:{user.pk}"
    assert unit_for_request(a_request(visitor_id="v1")).key == "v:v1"
    assert unit_for_request(a_request()) is None


@pytest.mark.django_db
def test_returning_means_signed_in_or_the_request_carried_a_visitor_id():
    assert is_returning(a_request(visitor_id="v1", returning=True))
    assert not is_returning(a_request(visitor_id="v1", returning=False)), "an id issued just now is a new visitor"
    assert not is_returning(a_request(visitor_id="v1")), "without the middleware nobody vouched for the id"
    assert is_returning(a_request(user=make_user()))


@pytest.mark.parametrize(
    ("user_agent", "device"),
    [
        ("Mozilla/5.0 (iPhone; CPU iPhone OS 17_0)", "mobile"),
        ("Mozilla/5.0 (iPad; CPU OS 17_5 like Mac OS X)", "mobile"),
        ("Mozilla/5.0 (Linux; Android 14; Pixel 8) Chrome/126.0 Mobile Safari/537.36", "mobile"),
        ("StoreApp/2.1 (iPhone; iOS 18)", "mobile"),
        (DESKTOP_UA, "desktop"),
        ("", "desktop"),
    ],
)
def test_one_mobile_rule(user_agent, device):
    assert device_for_user_agent(user_agent) == device
    assert device_of(a_request(user_agent=user_agent)) == device


@pytest.mark.django_db
def test_the_visitor_cookie_is_unsigned_once_per_request(client, monkeypatch):
    # given a returning browser, on a home page that asks experiments and serving who it is
    make_experiment()
    make_product(name="Camera")
    visitor = "returning-visitor"
    client.cookies[VISITOR_COOKIE] = sign_visitor_id(visitor)
    calls = []
    unsign = identity._unsign
    monkeypatch.setattr(identity, "_unsign", lambda value: calls.append(value) or unsign(value))
    # when the page renders
    response = client.get(reverse("shop:home"), HTTP_USER_AGENT=DESKTOP_UA)
    # then the cookie was read once, and everyone agreed on the unit
    assert response.status_code == 200
    assert len(calls) == 1, f"the cookie was unsigned {len(calls)} times"
    assert Exposure.objects.get().unit_id == Unit.for_visitor(visitor).key
