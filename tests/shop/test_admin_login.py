"""The admin's sign-in form is limited like the shop's: a password guesser cannot go round by /admin/."""

import pytest
from django.urls import reverse

from tests.factories import make_user


@pytest.fixture
def staff(db):
    user = make_user(username="keeper", password="right-password-123")
    user.is_staff = True
    user.save(update_fields=["is_staff"])
    return user


def test_the_right_password_after_the_limit_is_refused(client, settings, staff, rate_limit_clock):
    # given: an account limit of 3 sign-in attempts, used up by wrong guesses at the admin
    settings.ACCOUNT_RATE_LIMITS = {**settings.ACCOUNT_RATE_LIMITS, "login_account": "3/15m"}
    url = reverse("admin:login")
    for _ in range(3):
        client.post(url, {"username": "keeper", "password": "wrong", "next": "/admin/"})

    # when: the right password comes next
    response = client.post(url, {"username": "keeper", "password": "right-password-123", "next": "/admin/"})

    # then: refused with the reason, and nobody is signed in
    assert response.status_code == 200
    assert "Too many sign-in attempts" in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_staff_still_signs_in_below_the_limit(client, staff):
    response = client.post(
        reverse("admin:login"), {"username": "keeper", "password": "right-password-123", "next": "/admin/"}
    )
    assert response.status_code == 302
    assert client.session["_auth_user_id"] == str(staff.pk)
