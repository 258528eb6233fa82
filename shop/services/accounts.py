"""Changes to an account's e-mail address and password, and what every password change revokes.

A password change (here, a reset link, the admin, a management command) revokes the user's API
tokens. Their other sessions need nothing here: each session keeps a hash of the password it was
signed in with, and Django signs it out on its next request once the password changed; the session
that made the change keeps itself with update_session_auth_hash.
"""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth.base_user import AbstractBaseUser
from django.db import transaction
from django.db.models.signals import post_save
from django.dispatch import receiver
from rest_framework.authtoken.models import Token


def user_email_change(*, user: AbstractBaseUser, email: str) -> None:
    """Sets the address and tells the old one, so a stolen session cannot move the account quietly."""
    old_email = user.email
    if email == old_email:
        return
    user.email = email
    user.save(update_fields=["email"])
    if old_email:
        from shop.emails import send_email_changed_notice

        transaction.on_commit(
            lambda: send_email_changed_notice(username=user.get_username(), old_email=old_email, new_email=email)
        )


def user_password_change(*, user: AbstractBaseUser, password: str) -> None:
    user.set_password(password)
    user.save(update_fields=["password"])


def user_tokens_revoke(*, user: AbstractBaseUser) -> None:
    Token.objects.filter(user=user).delete()


@receiver(post_save, sender=settings.AUTH_USER_MODEL, dispatch_uid="shop.revoke_tokens_on_password_change")
def _revoke_tokens_on_password_change(sender, instance, created: bool, **kwargs) -> None:
    # set_password() keeps the raw password in _password until save() ends; check_password's re-hash
    # with a newer hasher clears it before saving. Django's own password_changed() hook reads the same flag.
    if not created and getattr(instance, "_password", None) is not None:
        user_tokens_revoke(user=instance)
