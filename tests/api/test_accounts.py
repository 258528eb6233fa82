import pytest
from django.contrib.auth import get_user_model
from rest_framework.authtoken.models import Token

from tests.api.conftest import token_client

pytestmark = pytest.mark.django_db
User = get_user_model()


def register(client, **overrides):
    body = {"username": "carol", "email": "carol@example.com", "password": "violet-kettle-42", **overrides}
    return client.post("/api/v1/auth/register", body, format="json")


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
