"""The shopper's control: switch off, download, delete; retention."""

from datetime import timedelta

import pytest
from django.urls import reverse
from rest_framework.authtoken.models import Token

from personalization.tracking.models import Event, PersonalizationPreference, VisitorLink
from personalization.tracking.policy import OPT_OUT_COOKIE
from personalization.tracking.services import events_purge_expired, events_record
from tests.personalization.tracking.conftest import tracked

pytestmark = pytest.mark.django_db


@pytest.fixture
def history(user, other_user):
    VisitorLink.objects.create(user=user, visitor_id="v-alice")
    events_record(
        events=[
            tracked(visitor_id="v-alice"),  # anonymous, before signing in
            tracked(visitor_id="v-alice", user_id=user.pk, type="search", context={"query": "tripod"}),
            tracked(visitor_id="v-bob", user_id=other_user.pk),
        ]
    )


@pytest.fixture
def api(client, user):
    token = Token.objects.create(user=user)
    client.defaults["HTTP_AUTHORIZATION"] = f"Token {token.key}"
    return client


def test_api_export_holds_my_events_and_links_only(api, history):
    response = api.get("/api/v1/me/data")

    assert response.status_code == 200
    data = response.json()
    assert [link["visitor_id"] for link in data["visitor_links"]] == ["v-alice"]
    assert sorted(e["type"] for e in data["events"]) == ["page_view", "search"]
    assert all(e["visitor_id"] == "v-alice" for e in data["events"])


def test_api_export_as_a_download(api, history):
    response = api.get("/api/v1/me/data?download=1")
    assert response["Content-Disposition"].startswith("attachment")


def test_api_delete_removes_my_events_and_links_and_nobody_elses(api, history, other_user):
    response = api.delete("/api/v1/me/data")

    assert response.status_code == 200 and response.json() == {"deleted": 2}
    assert list(Event.objects.values_list("user_id", flat=True)) == [other_user.pk]
    assert not VisitorLink.objects.exists()


def test_my_data_needs_a_signed_in_user(client):
    assert client.get("/api/v1/me/data").status_code in (401, 403)


def test_api_switches_personalization_off_and_on(api, user):
    assert api.get("/api/v1/me/personalization").json() == {"enabled": True}

    response = api.put("/api/v1/me/personalization", {"enabled": False}, content_type="application/json")

    assert response.json() == {"enabled": False}
    assert PersonalizationPreference.objects.get(user=user).enabled is False
    assert api.get("/api/v1/me/personalization").json() == {"enabled": False}


def test_account_page_switch_off_sets_preference_and_cookie(browser, user):
    browser.force_login(user)
    response = browser.post(reverse("tracking:personalization-toggle"), {"enabled": "0", "next": "/account/"})

    assert response.status_code == 302 and response["Location"] == "/account/"
    assert PersonalizationPreference.objects.get(user=user).enabled is False
    assert browser.cookies[OPT_OUT_COOKIE].value == "1"


def test_form_redirects_only_to_this_site(browser):
    response = browser.post(reverse("tracking:personalization-toggle"), {"enabled": "0", "next": "https://evil.test/"})
    assert response["Location"] == "/"


def test_account_page_forms_need_csrf(user):
    from django.test import Client

    client = Client(enforce_csrf_checks=True)
    client.force_login(user)
    assert client.post(reverse("tracking:data-delete"), {"confirm": "yes"}).status_code == 403


def test_anonymous_visitor_downloads_and_deletes_its_own_history(browser):
    browser.get(reverse("shop:home"))
    browser.get(reverse("shop:home"))

    download = browser.get(reverse("tracking:data-download"))
    assert [e["type"] for e in download.json()["events"]].count("page_view") == 2

    stored = Event.objects.count()
    unconfirmed = browser.post(reverse("tracking:data-delete"), {"next": "/"})
    assert unconfirmed.status_code == 302 and Event.objects.count() == stored
    browser.post(reverse("tracking:data-delete"), {"confirm": "yes", "next": "/"})
    assert Event.objects.count() == 0


def test_retention_deletes_only_events_older_than_the_setting(settings):
    settings.TRACKING_RETENTION_DAYS = 30
    events_record(events=[tracked(age=timedelta(days=31)), tracked(age=timedelta(days=29))])

    assert events_purge_expired() == 1

    assert Event.objects.count() == 1


def test_the_beat_tasks_exist():
    from celery_app import app
    from personalization.tracking import tasks

    scheduled = {entry["task"] for entry in app.conf.beat_schedule.values()}
    assert {tasks.flush_events.name, tasks.purge_expired_events.name} <= scheduled
    assert tasks.purge_expired_events() == 0


def test_no_raw_ip_address_is_stored(browser):
    browser.get(reverse("shop:home"), REMOTE_ADDR="203.0.113.9")
    rows = list(Event.objects.values())
    assert rows and "203.0.113.9" not in repr(rows)


def test_deleting_an_account_deletes_its_events_and_links(history, user, other_user):
    user_id = user.pk
    user.delete()

    assert not Event.objects.filter(user_id=user_id).exists()
    assert Event.objects.filter(user_id=other_user.pk).exists()
    assert not VisitorLink.objects.exists()
