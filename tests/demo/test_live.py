import pytest
from django.contrib.auth.models import Permission
from django.core.exceptions import ValidationError

from demo.live.selectors import live_traffic_status
from demo.live.services import live_traffic_get, live_traffic_report, live_traffic_start, live_traffic_stop
from demo.models import LiveTraffic
from tests.factories import make_user

URL = "/staff/live-traffic/"


@pytest.fixture
def staff_watcher(db):
    user = make_user(username="watcher", is_staff=True)
    user.user_permissions.add(Permission.objects.get(codename="view_livetraffic"))
    return user


@pytest.fixture
def staff_operator(staff_watcher):
    staff_watcher.user_permissions.add(Permission.objects.get(codename="change_livetraffic"))
    return staff_watcher


def test_staff_stop_then_start_the_live_traffic_at_a_new_pace(db):
    live_traffic_stop()
    assert live_traffic_get().running is False

    row = live_traffic_start(pace="2.5")

    assert (row.running, row.pace) == (True, 2.5)
    assert live_traffic_get().running is True


@pytest.mark.parametrize("pace", ["fast", "0", "-1", "100", "nan"])
def test_a_bad_pace_is_refused_and_changes_nothing(db, pace):
    live_traffic_stop()

    with pytest.raises(ValidationError, match="pace"):
        live_traffic_start(pace=pace)

    row = live_traffic_get()
    assert (row.running, row.pace) == (False, 4.0)


def test_the_process_reports_only_what_it_knows(db):
    with pytest.raises(ValueError, match="running"):
        live_traffic_report(process_id=1, running=False)
    assert live_traffic_get().process_id is None


def test_without_a_recent_report_no_process_is_said_to_play(db):
    live_traffic_report(process_id=123, state=LiveTraffic.State.PLAYING, sessions=7)
    assert live_traffic_status().alive is True

    LiveTraffic.objects.filter(pk=1).update(heartbeat_at=live_traffic_get().heartbeat_at.replace(year=2020))

    status = live_traffic_status()
    assert (status.alive, status.state, status.sessions) == (False, LiveTraffic.State.STOPPED, 7)


def test_the_live_traffic_page_is_for_staff_with_its_permission(client, db):
    assert client.get(URL).status_code == 302  # to the login page
    client.force_login(make_user(username="shopper"))
    assert client.get(URL).status_code == 403
    client.force_login(make_user(username="staff-without", is_staff=True))
    assert client.get(URL).status_code == 403


def test_a_watcher_sees_the_status_but_cannot_stop_it(client, staff_watcher):
    client.force_login(staff_watcher)

    page = client.get(URL)
    refused = client.post(URL, {"action": "stop"})

    assert page.status_code == 200
    assert b'data-live-state="stopped"' in page.content and b"manage.py demo_live_traffic" in page.content
    assert b'value="stop"' not in page.content
    assert refused.status_code == 403
    assert live_traffic_get().running is True


def test_an_operator_pauses_and_restarts_it_from_the_page(client, staff_operator):
    client.force_login(staff_operator)

    paused = client.post(URL, {"action": "stop"})
    assert paused.status_code == 302 and live_traffic_get().running is False

    started = client.post(URL, {"action": "start", "pace": "1.5"})
    assert started.status_code == 302
    row = live_traffic_get()
    assert (row.running, row.pace, row.changed_by) == (True, 1.5, staff_operator)


def test_a_bad_pace_on_the_page_says_why_and_changes_nothing(client, staff_operator):
    client.force_login(staff_operator)
    live_traffic_stop()

    response = client.post(URL, {"action": "start", "pace": "999"})
    unknown = client.post(URL, {"action": "restart"})

    assert response.status_code == 400 and b"data-live-error" in response.content
    assert b"between" in response.content
    assert unknown.status_code == 400
    assert live_traffic_get().running is False


def test_the_page_reads_in_chinese(client, staff_operator):
    client.force_login(staff_operator)
    page = client.get("/zh-hans" + URL)
    assert page.status_code == 200
    assert "实时流量".encode() in page.content
