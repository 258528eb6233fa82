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
