"""Every change of a password revokes the user's API tokens, wherever it is made."""

import pytest
from rest_framework.authtoken.models import Token

from shop.services.accounts import user_email_change
from tests.factories import make_user

pytestmark = pytest.mark.django_db


def test_a_password_set_anywhere_revokes_the_users_tokens(user, other_user):
    # given, as the admin's password form or a management command would
    Token.objects.create(user=user)
    Token.objects.create(user=other_user)
    # when
    user.set_password("violet-kettle-42")
    user.save()
    # then
    assert not Token.objects.filter(user=user).exists()
    assert Token.objects.filter(user=other_user).exists()


def test_a_hash_upgrade_at_sign_in_is_no_password_change(settings):
    # given a password stored with a hasher that is no longer the first
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    user = make_user(username="alice")
    settings.PASSWORD_HASHERS = [
        "django.contrib.auth.hashers.PBKDF2SHA1PasswordHasher",
        "django.contrib.auth.hashers.MD5PasswordHasher",
    ]
    Token.objects.create(user=user)
    # when check_password re-hashes it
    assert user.check_password("correct-horse-battery")
    # then
    user.refresh_from_db()
    assert user.password.startswith("pbkdf2_sha1$")
    assert Token.objects.filter(user=user).exists()


def test_saving_other_fields_keeps_the_tokens(user):
    Token.objects.create(user=user)

    user.first_name = "Alice"
    user.save()

    assert Token.objects.filter(user=user).exists()


def test_an_email_change_tells_the_old_address(user, mailoutbox, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        user_email_change(user=user, email="alice@new.example.com")

    user.refresh_from_db()
    assert user.email == "alice@new.example.com"
    assert [message.to for message in mailoutbox] == [["alice@example.com"]]
