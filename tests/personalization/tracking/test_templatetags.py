import json

import pytest
from django.template import Context, Template
from django.test import RequestFactory

from personalization.tracking.policy import ALLOWED, Decision

pytestmark = pytest.mark.django_db


def render(source: str, request) -> str:
    return Template("{% load tracking_tags %}" + source).render(Context({"request": request, "csrf_token": "t"}))


def page_request(path="/", *, tracking=ALLOWED, **headers):
    request = RequestFactory().get(path, **headers)
    request.tracking = tracking
    request.resolver_match = None
    from django.contrib.auth.models import AnonymousUser

    request.user = AnonymousUser()
    return request


def test_tracking_script_emits_the_script_and_its_config():
    html = render("{% tracking_script %}", page_request())

    assert 'src="/static/js/tracking.js"' in html
    config = json.loads(html.split('type="application/json">')[1].split("</script>")[0])
    assert config["endpoint"] == "/api/v1/events" and config["maxBatch"] == 100


def test_product_pages_tell_the_script_their_product(product):
    from shop.signals import product_viewed

    request = page_request(product.get_absolute_url())
    product_viewed.send(sender=type(product), request=request, product=product)

    assert f'"productId": {product.pk}' in render("{% tracking_script %}", request)
    assert '"productId": null' in render("{% tracking_script %}", page_request("/"))


def test_no_script_when_the_request_may_not_be_recorded():
    assert render("{% tracking_script %}", page_request(tracking=Decision(False, "dnt"))).strip() == ""


def test_consent_banner_only_where_consent_is_required_and_not_given(settings):
    assert "Accept" not in render("{% consent_banner %}", page_request())
    settings.PERSONALIZATION_REQUIRE_CONSENT = True
    assert "Accept" in render("{% consent_banner %}", page_request())
    answered = page_request(HTTP_COOKIE="tracking_consent=denied")
    assert "Accept" not in render("{% consent_banner %}", answered)


def test_privacy_controls_offer_switch_download_and_delete():
    html = render("{% privacy_controls %}", page_request())
    assert "Switch personalization off" in html
    assert "/account/privacy/data/" in html and "/account/privacy/data/delete/" in html


def test_the_privacy_controls_are_under_the_shoppers_language(client):
    from django.urls import reverse
    from django.utils import translation

    # given the controls as a Chinese page links to them
    with translation.override("zh-hans"):
        url = reverse("tracking:consent")
    assert url == "/zh-hans/account/privacy/consent/"
    # when the shopper answers the banner there
    response = client.post(url, {"decision": "accept"})
    # then the choice is taken and they go back to the Chinese home page
    assert (response.status_code, response["Location"]) == (302, "/zh-hans/")


def test_the_privacy_controls_speak_the_shoppers_language(client):
    # when a shopper on a Chinese page switches personalization off
    response = client.post(
        "/zh-hans/account/privacy/personalization/",
        {"enabled": "0"},
        HTTP_REFERER="http://testserver/zh-hans/",
        follow=True,
    )
    # then the confirmation is in Chinese
    assert [str(message) for message in response.context["messages"]] == ["个性化推荐已关闭。"]
