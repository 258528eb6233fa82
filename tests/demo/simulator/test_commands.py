import pytest
from django.core.management import CommandError, call_command


@pytest.mark.parametrize(
    "arguments",
    [["--visitors", "0"], ["--days", "0"], ["--workers", "0"]],
    ids=["no visitors", "no days", "no workers"],
)
def test_simulate_shoppers_refuses_impossible_sizes_before_touching_anything(db, arguments):
    with pytest.raises(CommandError, match="at least 1"):
        call_command("simulate_shoppers", *arguments, "--no-progress")


def test_simulate_shoppers_says_what_to_load_first_on_an_empty_shop(db):
    with pytest.raises(CommandError, match="load_demo_store"):
        call_command("simulate_shoppers", "--visitors", "2", "--days", "1", "--no-progress")


def test_demo_closed_loop_plays_the_past_customers_before_its_first_simulated_day(db, monkeypatch):
    from datetime import timedelta

    from django.utils import timezone

    from demo.history import past_customers

    calls = []
    monkeypatch.setattr(
        past_customers, "past_customers_play", lambda **kwargs: calls.append(("past", kwargs["until"])) or PLAYED
    )
    monkeypatch.setattr(
        "demo.simulator.closed_loop.closed_loop_run", lambda **kwargs: calls.append(("loop", timezone.now()))
    )

    call_command("demo_closed_loop", "--warm-up-days", "3", "--experiment-days", "2", "--past-customers")

    (first, until), (second, started) = calls
    assert (first, second) == ("past", "loop")
    assert timedelta(days=5) <= started - until < timedelta(days=5, minutes=1), "they end as the warm-up begins"


PLAYED = type("Played", (), {"played": True})()
