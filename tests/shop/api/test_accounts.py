import pytest
from django.contrib.auth import get_user_model
from django.test import Client
from django.urls import reverse
from rest_framework.authtoken.models import Token
from rest_framework.throttling import SimpleRateThrottle

from tests.shop.api.conftest import token_client

pytestmark = pytest.mark.django_db
User = get_user_model()


def register(client, **overrides):
    extra = {name: overrides.pop(name) for name in list(overrides) if name.isupper()}
    body = {"username": "carol", "email": "carol@example.com", "password": "violet-kettle-42", **overrides}
    return client.post("/api/v1/auth/register", body, format="json", **extra)


def test_register_returns_a_working_token(anon_client):
    response = register(anon_client)

    assert response.status_code == 201
    body = response.json()
    assert body["user"]["username"] == "carol"
    anon_client.credentials(HTTP_AUTHORIZATION=f"Token {body['token']}")
    assert anon_client.get("/api/v1/me").json()["email"] == "carol@example.com"


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"password": "password"}, "password"),
        ({"password": "12345678901"}, "password"),
        ({"password": "short"}, "password"),
        ({"password": "carolexample"}, "password"),
        ({"email": "nope"}, "email"),
        ({"username": "no spaces"}, "username"),
        ({"username": "alice"}, "username"),
        ({"username": "ALICE"}, "username"),
        ({"email": "ALICE@example.com"}, "email"),
    ],
)
def test_register_rejects_bad_input_and_creates_nobody(anon_client, user, overrides, field):
    response = register(anon_client, **overrides)

    assert response.status_code == 400
    assert field in response.json()["error"]["fields"]
    assert not User.objects.filter(username__in=["carol", "no spaces"]).exists()


def test_obtain_token(anon_client, user):
    response = anon_client.post(
        "/api/v1/auth/token", {"username": "alice", "password": "correct-horse-battery"}, format="json"
    )

    assert response.status_code == 200
    assert response.json()["token"] == Token.objects.get(user=user).key


def test_obtain_token_with_wrong_password(anon_client, user):
    response = anon_client.post("/api/v1/auth/token", {"username": "alice", "password": "guess"}, format="json")

    assert response.status_code == 400
    assert response.json()["error"]["code"] == "invalid_credentials"
    assert not Token.objects.exists()


def test_obtain_token_needs_both_fields(anon_client):
    response = anon_client.post("/api/v1/auth/token", {"username": "alice"}, format="json")

    assert response.status_code == 400
    assert list(response.json()["error"]["fields"]) == ["password"]


def test_revoke_token(api_client, user):
    response = api_client.delete("/api/v1/auth/token")

    assert response.status_code == 204
    assert not Token.objects.filter(user=user).exists()
    assert api_client.get("/api/v1/me").status_code == 401


def test_revoke_needs_a_signed_in_user(anon_client):
    assert anon_client.delete("/api/v1/auth/token").status_code == 401


def test_revoking_my_token_leaves_other_users_signed_in(api_client, other_client, other_user):
    api_client.delete("/api/v1/auth/token")

    assert other_client.get("/api/v1/me").json()["username"] == "bob"


def test_sign_in_attempts_are_throttled(anon_client, user, monkeypatch):
    from rest_framework.throttling import SimpleRateThrottle

    monkeypatch.setattr(SimpleRateThrottle, "THROTTLE_RATES", {**SimpleRateThrottle.THROTTLE_RATES, "auth": "2/minute"})
    body = {"username": "alice", "password": "guess"}

    statuses = [anon_client.post("/api/v1/auth/token", body, format="json").status_code for _ in range(3)]

    assert statuses == [400, 400, 429]


def test_profile(api_client):
    response = api_client.get("/api/v1/me")

    assert response.status_code == 200
    assert response.json()["username"] == "alice"


def test_profile_needs_a_signed_in_user(anon_client):
    assert anon_client.get("/api/v1/me").status_code == 401
    assert anon_client.patch("/api/v1/me", {"first_name": "X"}, format="json").status_code == 401


def test_edit_profile_changes_only_what_is_sent(api_client, user):
    response = api_client.patch("/api/v1/me", {"first_name": "Alice", "username": "mallory"}, format="json")

    assert response.status_code == 200
    user.refresh_from_db()
    assert (user.first_name, user.username, user.email) == ("Alice", "alice", "alice@example.com")


@pytest.mark.parametrize("email", ["not-an-email", "BOB@example.com"])
def test_edit_profile_rejects_bad_or_taken_email(api_client, other_user, user, email):
    response = api_client.patch("/api/v1/me", {"email": email}, format="json")

    assert response.status_code == 400
    assert "email" in response.json()["error"]["fields"]
    user.refresh_from_db()
    assert user.email == "alice@example.com"


def test_each_user_edits_only_their_own_profile(user, other_user):
    token_client(other_user).patch("/api/v1/me", {"first_name": "Bob"}, format="json")

    user.refresh_from_db()
    assert user.first_name == ""


PASSWORD = "correct-horse-battery"
NEW_PASSWORD = "violet-kettle-42"


@pytest.fixture
def limits(settings):
    """Small sign-in limits; the test changes only the ones it is about."""

    def set_limits(**rates):
        settings.ACCOUNT_RATE_LIMITS = {**settings.ACCOUNT_RATE_LIMITS, **rates}

    return set_limits


def sign_in(client, username="alice", password=PASSWORD, **extra):
    return client.post("/api/v1/auth/token", {"username": username, "password": password}, format="json", **extra)


def test_a_token_alone_cannot_change_the_email(api_client, user, mailoutbox):
    response = api_client.patch("/api/v1/me", {"email": "mallory@example.com"}, format="json")

    assert response.status_code == 400
    assert "current_password" in response.json()["error"]["fields"]
    user.refresh_from_db()
    assert user.email == "alice@example.com"
    assert mailoutbox == []


def test_a_wrong_current_password_cannot_change_the_email(api_client, user):
    response = api_client.patch(
        "/api/v1/me", {"email": "mallory@example.com", "current_password": "guess"}, format="json"
    )

    assert response.status_code == 400
    assert "current_password" in response.json()["error"]["fields"]
    user.refresh_from_db()
    assert user.email == "alice@example.com"


def test_changing_the_email_with_the_password_tells_the_old_address(
    api_client, user, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = api_client.patch(
            "/api/v1/me", {"email": "alice@new.example.com", "current_password": PASSWORD}, format="json"
        )

    assert response.status_code == 200
    user.refresh_from_db()
    assert user.email == "alice@new.example.com"
    assert [message.to for message in mailoutbox] == [["alice@example.com"]]
    assert "alice@new.example.com" in mailoutbox[0].body


def test_sending_the_unchanged_email_needs_no_password(api_client, user, mailoutbox):
    response = api_client.patch("/api/v1/me", {"email": "alice@example.com", "first_name": "Al"}, format="json")

    assert response.status_code == 200
    assert response.json()["first_name"] == "Al"
    assert mailoutbox == []


def test_guessing_the_current_password_with_a_token_is_limited(api_client, user, limits, rate_limit_clock):
    limits(login_account="3/15m")

    statuses = [
        api_client.patch("/api/v1/me", {"email": "m@example.com", "current_password": guess}, format="json").status_code
        for guess in ["guess1", "guess2", "guess3", PASSWORD]
    ]

    assert statuses == [400, 400, 400, 429]
    user.refresh_from_db()
    assert user.email == "alice@example.com"


def change_password(client, current=PASSWORD, new=NEW_PASSWORD):
    return client.post("/api/v1/me/password", {"current_password": current, "new_password": new}, format="json")


@pytest.mark.parametrize("current", ["", "guess"])
def test_changing_the_password_needs_the_current_one(api_client, user, current):
    response = change_password(api_client, current=current)

    assert response.status_code == 400
    assert "current_password" in response.json()["error"]["fields"]
    user.refresh_from_db()
    assert user.check_password(PASSWORD)


def test_a_weak_new_password_is_refused(api_client, user):
    response = change_password(api_client, new="password")

    assert response.status_code == 400
    assert "new_password" in response.json()["error"]["fields"]
    user.refresh_from_db()
    assert user.check_password(PASSWORD)


def test_changing_the_password_revokes_every_token_and_other_session(api_client, user):
    # given alice signed in on the site too
    site = Client()
    site.force_login(user)
    old_key = Token.objects.get(user=user).key
    # when
    response = change_password(api_client)
    # then
    assert response.status_code == 200
    new_key = response.json()["token"]
    assert new_key != old_key
    assert api_client.get("/api/v1/me").status_code == 401
    assert token_client_for_key(new_key).get("/api/v1/me").status_code == 200
    assert site.get(reverse("shop:account")).status_code == 302
    user.refresh_from_db()
    assert user.check_password(NEW_PASSWORD)


def token_client_for_key(key: str):
    from rest_framework.test import APIClient

    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    return client


def test_changing_the_password_keeps_the_session_that_changed_it(client, user):
    client.force_login(user)
    other = Client()
    other.force_login(user)

    response = client.post(
        "/api/v1/me/password",
        {"current_password": PASSWORD, "new_password": NEW_PASSWORD},
        content_type="application/json",
    )

    assert response.status_code == 200
    assert client.get(reverse("shop:account")).status_code == 200
    assert other.get(reverse("shop:account")).status_code == 302


def test_signing_in_is_locked_per_account(anon_client, user, limits, rate_limit_clock):
    limits(login_account="3/15m")
    for guess in ["guess1", "guess2", "guess3"]:
        assert sign_in(anon_client, password=guess).status_code == 400

    refused = sign_in(anon_client)
    rate_limit_clock.advance(15 * 60)
    later = sign_in(anon_client)

    assert refused.status_code == 429
    assert refused.json()["error"]["code"] == "throttled"
    assert int(refused["Retry-After"]) > 0
    assert later.status_code == 200


def test_signing_in_is_locked_per_address(anon_client, user, limits, rate_limit_clock):
    limits(login_address="3/15m")
    for username in ["bob", "carol", "dave"]:
        sign_in(anon_client, username=username, password="guess")

    assert sign_in(anon_client).status_code == 429
    assert sign_in(anon_client, REMOTE_ADDR="198.51.100.4").status_code == 200


def test_the_sign_in_throttle_ignores_a_forged_forwarded_for(anon_client, user, monkeypatch, settings):
    settings.TRUSTED_PROXY_COUNT = 0
    monkeypatch.setattr(SimpleRateThrottle, "THROTTLE_RATES", {**SimpleRateThrottle.THROTTLE_RATES, "auth": "2/minute"})

    statuses = [
        sign_in(anon_client, password="guess", HTTP_X_FORWARDED_FOR=f"192.0.2.{n}").status_code for n in range(3)
    ]

    assert statuses == [400, 400, 429]


def test_the_sign_in_throttle_honours_a_trusted_proxy(anon_client, user, monkeypatch, settings):
    settings.TRUSTED_PROXY_COUNT = 1
    monkeypatch.setattr(SimpleRateThrottle, "THROTTLE_RATES", {**SimpleRateThrottle.THROTTLE_RATES, "auth": "2/minute"})

    statuses = [
        sign_in(anon_client, password="guess", HTTP_X_FORWARDED_FOR=f"6.6.6.6, 192.0.2.{n}").status_code
        for n in range(3)
    ]

    assert statuses == [400, 400, 400]


def test_registrations_are_limited_per_address(anon_client, limits, rate_limit_clock):
    limits(signup_address="2/h")

    statuses = [
        register(anon_client, username=f"user{n}", email=f"user{n}@example.com", HTTP_X_FORWARDED_FOR=f"192.0.2.{n}")
        for n in range(3)
    ]

    assert [response.status_code for response in statuses] == [201, 201, 429]
    assert not User.objects.filter(username="user2").exists()
