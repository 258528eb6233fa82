import pytest
from django.core.signals import request_finished
from django.db import close_old_connections
from django.http import HttpResponse
from django.test import RequestFactory
from django.urls import reverse

from personalization.tracking.capture import event_from_request
from personalization.tracking.middleware import TrackingMiddleware, VisitorIdMiddleware
from personalization.tracking.models import Event, PersonalizationPreference
from personalization.tracking.policy import CONSENT_COOKIE, OPT_OUT_COOKIE
from shop.services.cart import cart_add, cart_get_or_create, cart_remove
from tests.personalization.tracking.conftest import BROWSER_UA

pytestmark = pytest.mark.django_db


def types() -> list[str]:
    return list(Event.objects.order_by("pk").values_list("type", flat=True))


def test_product_page_records_a_product_view_with_its_product(browser, product):
    browser.get(product.get_absolute_url(), HTTP_REFERER="https://example.org/blog/post?utm=me@example.org")

    event = Event.objects.get(type="product_view")
    assert (event.type, event.product_id, event.path) == ("product_view", product.pk, product.get_absolute_url())
    assert event.referrer == "https://example.org/blog/post"  # no query string: it may hold personal data
    assert event.visitor_id and event.timestamp.tzinfo is not None


def test_search_page_records_query_and_result_count_when_the_view_sets_it(browser, product):
    browser.get(reverse("shop:search"), {"q": "lumix"})

    event = Event.objects.get(type="search")
    assert event.context["query"] == "lumix"
    assert "result_count" in event.context


def test_the_page_event_comes_from_the_shops_signal_not_from_the_url(product):
    # given a page the tracking middleware knows nothing about, which says it showed a product
    from django.urls import resolve

    from shop.signals import product_viewed

    def view(request):
        request.resolver_match = resolve("/")
        product_viewed.send(sender=type(product), request=request, product=product)
        return HttpResponse("<html></html>")

    # when it is served through the middleware
    request = RequestFactory().get("/anything/", HTTP_USER_AGENT=BROWSER_UA)
    request.session = type("Session", (), {"session_key": "s1"})()
    from django.contrib.auth.models import AnonymousUser

    request.user = AnonymousUser()
    response = VisitorIdMiddleware(TrackingMiddleware(view))(request)
    request_finished.disconnect(close_old_connections)
    try:
        response.close()
    finally:
        request_finished.connect(close_old_connections)

    # then its one page event is the product view
    assert list(Event.objects.values_list("type", "product_id", "path")) == [("product_view", product.pk, "/anything/")]


def test_a_search_event_records_the_query_as_searched(browser, product):
    response = browser.get(reverse("shop:search"), {"q": "  lumix   g9 "})

    assert Event.objects.get(type="search").context == {
        "query": "lumix g9",
        "corrected_query": "lumix g9",
        "list_id": response.context["list_id"],
        "result_count": 1,
        "language": "en",
    }


def test_a_search_event_records_the_correction_that_was_searched(browser, product):
    browser.get(reverse("shop:search"), {"q": "lumxi"})

    context = Event.objects.get(type="search").context
    assert (context["query"], context["corrected_query"]) == ("lumxi", "lumix"), context


def test_a_search_through_the_api_is_recorded_with_its_list_id(browser, product):
    # The mobile app's searches train the query intents and the search rankers too.
    response = browser.get("/api/v1/products", {"q": "lumix"})

    assert response.status_code == 200
    context = Event.objects.get(type="search").context
    assert (context["query"], context["list_id"], context["result_count"]) == ("lumix", response.json()["list_id"], 1)


def test_a_product_list_through_the_api_without_words_is_no_search(browser, product):
    assert browser.get("/api/v1/products").status_code == 200
    assert not Event.objects.filter(type="search").exists()


def test_text_the_database_cannot_hold_is_stripped_from_server_side_events():
    # The input guard refuses requests with NUL; an event built from a request is stripped anyway, as the last line.
    request = RequestFactory().get("/", HTTP_REFERER="https://example.org/a\x00b\ud800")
    request.path = "/p\x00/"

    event = event_from_request(request, type="search", context={"query": "lu\x00mix", "result_count": 1})

    assert (event.path, event.referrer) == ("/p/", "https://example.org/ab")
    assert event.context == {"query": "lumix", "result_count": 1}


def test_checkout_page_records_checkout_start(browser, product):
    browser.get(product.get_absolute_url())
    browser.post(reverse("shop:cart_add"), {"product_id": product.pk, "quantity": 1})
    browser.get(reverse("shop:checkout"))
    assert "checkout_start" in types()


def test_other_pages_record_a_page_view_with_their_route(browser):
    browser.get(reverse("shop:home"))
    assert Event.objects.get(type="page_view").context == {"route": "shop:home", "language": "en"}


def test_events_record_the_language_the_page_was_shown_in(browser, product):
    browser.get("/zh-hans/")
    browser.get(f"/zh-hans/p/{product.slug}/")

    assert Event.objects.get(type="page_view").context == {"route": "shop:home", "language": "zh-hans"}
    assert Event.objects.get(type="product_view").context["language"] == "zh-hans"


@pytest.mark.parametrize(
    "path",
    ["/healthz", "/admin/login/", "/static/js/tracking.js", "/api/v1/events", "/no-such-page/"],
    ids=["health", "admin", "static", "event-api", "not-found"],
)
def test_untracked_paths_and_failed_pages_record_nothing(browser, path):
    browser.get(path)
    assert types() == []


def test_posts_are_not_page_views(browser):
    browser.post(reverse("shop:home"))
    assert types() == []


@pytest.mark.parametrize(
    "headers,reason",
    [
        ({"HTTP_USER_AGENT": "Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)"}, "bot"),
        ({"HTTP_USER_AGENT": ""}, "bot"),
        ({"HTTP_DNT": "1"}, "dnt"),
        ({"HTTP_SEC_GPC": "1"}, "gpc"),
    ],
    ids=["crawler", "no-user-agent", "do-not-track", "global-privacy-control"],
)
def test_bots_and_privacy_signals_are_not_recorded(browser, product, headers, reason):
    response = browser.get(product.get_absolute_url(), **headers)
    assert types() == []
    assert response.wsgi_request.tracking.reason == reason


def test_more_page_views_a_minute_than_a_person_makes_is_a_bot(browser, settings):
    settings.TRACKING_BOT_PAGE_VIEWS_PER_MINUTE = 3
    for _ in range(6):
        browser.get(reverse("shop:home"))
    assert types().count("page_view") == 3


def test_anonymous_opt_out_cookie_stops_recording(browser):
    browser.cookies[OPT_OUT_COOKIE] = "1"
    browser.get(reverse("shop:home"))
    assert types() == []


def test_user_who_switched_personalization_off_is_not_recorded(browser, user):
    PersonalizationPreference.objects.create(user=user, enabled=False)
    browser.force_login(user)
    browser.get(reverse("shop:home"))
    assert types() == []


def test_where_consent_is_required_nothing_is_recorded_or_issued_before_it(browser, settings):
    settings.PERSONALIZATION_REQUIRE_CONSENT = True

    response = browser.get(reverse("shop:home"))

    assert types() == []
    assert "vid" not in response.cookies
    assert response.wsgi_request.tracking.reason == "no_consent"


def test_consent_accepted_through_the_banner_form_starts_recording(browser, settings):
    settings.PERSONALIZATION_REQUIRE_CONSENT = True
    browser.get(reverse("shop:home"))

    response = browser.post(reverse("tracking:consent"), {"decision": "accept", "next": "/"})
    browser.get(reverse("shop:home"))

    assert response.status_code == 302 and browser.cookies[CONSENT_COOKIE].value == "granted"
    assert "page_view" in types()


def test_consent_declined_records_nothing(browser, settings):
    settings.PERSONALIZATION_REQUIRE_CONSENT = True
    browser.post(reverse("tracking:consent"), {"decision": "decline", "next": "/"})
    browser.get(reverse("shop:home"))
    assert types() == []


def _through_middleware(view, user=None, **headers):
    request = RequestFactory().post("/cart/add/", HTTP_USER_AGENT=BROWSER_UA, **headers)
    request.session = type("Session", (), {"session_key": "s1"})()
    from django.contrib.auth.models import AnonymousUser

    request.user = user or AnonymousUser()
    response = VisitorIdMiddleware(TrackingMiddleware(view))(request)
    # As the test client does: closing fires request_finished, which must not close the test's connection.
    request_finished.disconnect(close_old_connections)
    try:
        response.close()
    finally:
        request_finished.connect(close_old_connections)
    return request


def test_cart_changes_are_recorded_server_side_with_the_requests_visitor(product, django_capture_on_commit_callbacks):
    cart = cart_get_or_create(user=None, session_key="s1")

    def view(request):
        with django_capture_on_commit_callbacks(execute=True):
            cart_add(cart=cart, product_id=product.pk, quantity=2)
            cart_remove(cart=cart, product_id=product.pk)
        return HttpResponse(status=302)

    request = _through_middleware(view)

    assert types() == ["add_to_cart", "remove_from_cart"]
    assert set(Event.objects.values_list("visitor_id", flat=True)) == {request.visitor_id}
    assert Event.objects.get(type="add_to_cart").context == {"quantity": 2}


def test_cart_changes_of_a_visitor_with_do_not_track_are_not_recorded(product, django_capture_on_commit_callbacks):
    cart = cart_get_or_create(user=None, session_key="s1")

    def view(request):
        with django_capture_on_commit_callbacks(execute=True):
            cart_add(cart=cart, product_id=product.pk)
        return HttpResponse()

    _through_middleware(view, HTTP_DNT="1")
    assert types() == []
