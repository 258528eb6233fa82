import uuid

import pytest
from django.urls import reverse

from personalization.tracking.identity import VISITOR_COOKIE, sign_visitor_id, visitor_id_from_header
from personalization.tracking.models import Event, VisitorLink
from personalization.tracking.selectors import events_of_owner, visitor_ids_for_user
from tests.factories import make_user

pytestmark = pytest.mark.django_db

PASSWORD = "correct-horse-battery"


def visitor_of(client) -> str:
    return visitor_id_from_header(client.cookies[VISITOR_COOKIE].value)


def test_first_visit_gets_a_signed_httponly_lax_cookie(browser):
    response = browser.get(reverse("shop:home"))

    morsel = response.cookies[VISITOR_COOKIE]
    assert morsel["httponly"] and morsel["samesite"] == "Lax"
    assert morsel["max-age"]
    assert len(visitor_of(browser)) == 32


def test_cookie_is_secure_when_debug_is_off(browser, settings):
    settings.DEBUG = False
    response = browser.get(reverse("shop:home"), secure=True)
    assert response.cookies[VISITOR_COOKIE]["secure"]


def test_returning_visitor_keeps_its_id_and_gets_no_new_cookie(browser):
    browser.get(reverse("shop:home"))
    first = visitor_of(browser)

    response = browser.get(reverse("shop:home"))

    assert VISITOR_COOKIE not in response.cookies
    assert Event.objects.filter(visitor_id=first, type="page_view").count() == 2


def test_a_forged_cookie_is_replaced(browser):
    browser.cookies[VISITOR_COOKIE] = "someone-else:forged"
    browser.get(reverse("shop:home"))
    assert visitor_of(browser) != "someone-else"


def test_app_header_accepts_signed_values_and_raw_uuids_in_their_own_namespace():
    raw = uuid.uuid4()
    assert visitor_id_from_header(sign_visitor_id("abc123")) == "abc123"
    assert visitor_id_from_header(str(raw)) == "app-" + raw.hex
    assert visitor_id_from_header("abc123") is None


def test_login_links_the_visitor_and_its_anonymous_history_follows_the_user(browser, user, product):
    # given an anonymous visitor who looked at a product
    browser.get(product.get_absolute_url())
    visitor_id = visitor_of(browser)
    # when they sign in and browse on
    browser.post(reverse("shop:login"), {"username": user.username, "password": PASSWORD})
    browser.get(reverse("shop:home"))
    # then the user's history holds both the anonymous and the signed-in events
    assert visitor_ids_for_user(user=user) == [visitor_id]
    history = events_of_owner(user=user)
    assert set(history.values_list("type", flat=True)) >= {"product_view", "page_view"}
    assert history.filter(user__isnull=True, product=product).exists()
    assert history.filter(user=user).exists()


def test_another_users_events_on_a_shared_browser_do_not_follow(browser, user):
    bob = make_user(username="bob")
    browser.force_login(bob)
    browser.get(reverse("shop:home"))
    browser.logout()
    browser.force_login(user)

    assert not events_of_owner(user=user).filter(user=bob).exists()


def test_logout_gives_the_browser_a_fresh_visitor_id(browser, user):
    browser.get(reverse("shop:home"))
    browser.post(reverse("shop:login"), {"username": user.username, "password": PASSWORD})
    before = visitor_of(browser)

    browser.post(reverse("shop:logout"))

    assert visitor_of(browser) != before
    assert VisitorLink.objects.filter(user=user).count() == 1
