"""The demo's history built beside the server: its status row, what a second run does, and what staff see."""

import uuid
from datetime import timedelta

import pytest
from django.contrib.auth.models import Permission
from django.utils import timezone

from demo.history import build
from demo.history.selectors import demo_history_status
from demo.history.services import demo_history_begin, demo_history_finish, demo_history_get, demo_history_report
from demo.models import DemoHistory
from personalization.tracking.models import Event
from tests.factories import make_user

URL = "/staff/live-traffic/"


class FakeCampaigns:
    def lines(self):
        return ["campaigns ready"]

    def outcome_lines(self, **kwargs):
        return []


@pytest.fixture
def steps(monkeypatch):
    """The history's heavy steps replaced by recorders: what ran, in order, and the status seen meanwhile."""
    ran = []
    monkeypatch.setattr("demo.simulator.campaigns.demo_campaigns_ensure", lambda **kwargs: FakeCampaigns())
    monkeypatch.setattr("demo.simulator.closed_loop.models_train", lambda **kwargs: ran.append("train") or {})
    monkeypatch.setattr(
        "demo.simulator.closed_loop.ranker_experiment_start",
        lambda **kwargs: ran.append("experiment") or type("E", (), {"key": "ranker"})(),
    )
    monkeypatch.setattr("demo.simulator.personas.personas_play", lambda **kwargs: ran.append("personas") or [])
    return ran


def _traffic(ran, *, then=None):
    """A closed loop of two warm-up visits and one experiment visit, recording one event."""

    def closed_loop_run(*, on_visit, **kwargs):
        ran.append("traffic")
        now = timezone.now()
        Event.objects.create(uuid=uuid.uuid4(), type="page_view", visitor_id="v", timestamp=now, recorded_at=now)
        on_visit("warm-up", 1, 2)
        ran.append(demo_history_status())
        on_visit("warm-up", 2, 2)
        ran.append(demo_history_status())
        if then:
            raise then
        on_visit("experiment", 1, 1)

    return closed_loop_run


def test_a_first_build_reports_each_step_then_done(db, steps, monkeypatch):
    monkeypatch.setattr("demo.simulator.closed_loop.closed_loop_run", _traffic(steps))

    built = build.demo_history_build(bars=False, say=lambda line: None)

    during_warm_up, after_warm_up = steps[1], steps[2]
    assert (during_warm_up.building, during_warm_up.step, during_warm_up.played, during_warm_up.of) == (
        True, DemoHistory.Step.WARM_UP, 1, 2,
    )  # fmt: skip
    assert during_warm_up.percent == 50
    assert after_warm_up.step == DemoHistory.Step.TRAINING
    assert built.traffic_played is True
    status = demo_history_status()
    assert (status.done, status.building, status.interrupted) == (True, False, False)
    assert "personas" in steps


def test_a_history_that_is_done_is_not_played_again(db, steps, monkeypatch):
    monkeypatch.setattr("demo.simulator.closed_loop.closed_loop_run", _traffic(steps))
    build.demo_history_build(bars=False, say=lambda line: None)
    steps.clear()

    said = []
    built = build.demo_history_build(bars=False, say=said.append)

    assert "traffic" not in steps and built.traffic_played is False
    assert any("earlier run" in line for line in said)


def test_a_history_stopped_midway_says_so_and_the_next_run_finishes_it_without_doubling_the_traffic(
    db, steps, monkeypatch
):
    # given a first run stopped by Ctrl-C after the warm-up's traffic
    monkeypatch.setattr("demo.simulator.closed_loop.closed_loop_run", _traffic(steps, then=KeyboardInterrupt()))
    with pytest.raises(KeyboardInterrupt):
        build.demo_history_build(bars=False, say=lambda line: None)
    stopped = demo_history_status()
    assert (stopped.interrupted, stopped.building, stopped.done) == (True, False, False)
    assert "KeyboardInterrupt" in stopped.message
    steps.clear()

    # when the next run builds it
    built = build.demo_history_build(bars=False, say=lambda line: None)

    # then the recorded traffic is kept, and what came after it is added
    assert built.traffic_played is False
    assert steps == ["train", "experiment", "personas"]
    assert demo_history_status().done is True
    assert Event.objects.count() == 1


def test_a_report_of_an_unknown_step_is_refused_and_changes_nothing(db):
    demo_history_begin()
    with pytest.raises(ValueError, match="no step"):
        demo_history_report(step="dancing", done=3, total=4)
    row = demo_history_get()
    assert (row.step, row.done, row.total) == (DemoHistory.Step.CAMPAIGNS, 0, 0)


def test_a_history_whose_process_went_quiet_is_said_to_be_stopped(db):
    demo_history_begin()
    assert demo_history_status().building is True

    later = timezone.now() + timedelta(minutes=10)

    status = demo_history_status(now=later)
    assert (status.building, status.interrupted) == (False, True)


@pytest.fixture
def staff_watcher(db):
    user = make_user(username="watcher", is_staff=True)
    user.user_permissions.add(Permission.objects.get(codename="view_livetraffic"))
    return user


def test_staff_see_on_the_console_that_the_history_is_being_built_and_how_far(client, staff_watcher):
    demo_history_begin()
    demo_history_report(step=DemoHistory.Step.WARM_UP, done=30, total=120)
    client.force_login(staff_watcher)

    page = client.get(URL).content.decode()

    assert 'data-history="building"' in page
    assert "30 of 120 visits (25%)" in page
    assert "data-live-after-history" in page  # the live traffic comes after it


def test_the_console_says_nothing_of_a_history_that_is_done_or_never_begun(client, staff_watcher):
    client.force_login(staff_watcher)
    assert "data-history=" not in client.get(URL).content.decode()
    demo_history_begin()
    demo_history_finish()
    assert "data-history=" not in client.get(URL).content.decode()


def test_the_console_says_a_stopped_history_is_finished_by_the_next_run(client, staff_watcher):
    demo_history_begin()
    demo_history_finish(error="KeyboardInterrupt: ")
    client.force_login(staff_watcher)

    page = client.get(URL).content.decode()

    assert 'data-history="interrupted"' in page
    assert "next make run finishes it" in page


def test_the_process_beside_the_server_builds_the_history_then_plays_and_says_when_logins_are_personal(
    db, steps, monkeypatch
):
    import io

    from django.core.management import call_command

    monkeypatch.setattr("demo.simulator.closed_loop.closed_loop_run", _traffic(steps))
    monkeypatch.setattr("demo.live.loop.lower_priority", lambda: None)  # not the test process's priority
    out = io.StringIO()

    call_command("demo_live_traffic", "--history", "--max-sessions", "0", stdout=out)

    lines = out.getvalue().splitlines()
    assert any(line.startswith("[history] Done") for line in lines), lines
    done_at = next(i for i, line in enumerate(lines) if line.startswith("[history] Done"))
    assert any(line.startswith("[live traffic]") for line in lines[done_at:]), "live traffic comes after the history"
    assert demo_history_status().done is True

    again = io.StringIO()
    call_command("demo_live_traffic", "--history", "--max-sessions", "0", stdout=again)
    assert "[history] Done" not in again.getvalue() and "Building" not in again.getvalue()
