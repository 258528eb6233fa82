"""Accounts for the app: register, obtain and revoke a token, read and edit the profile.

The app authenticates with `Authorization: Token <key>`; one token per user, revoked by DELETE auth/token
and by every password change. Obtaining a token counts as a login (user_logged_in is sent), so what
listens to logins, such as linking a visitor's history to the user, works for the app as for the site.

A token alone does not own the account: changing the e-mail address or the password also needs the
current password, and every password check counts against the sign-in limits of shop.ratelimits.
"""

from __future__ import annotations

from django.contrib.auth import authenticate, get_user_model, update_session_auth_hash, user_logged_in
from django.contrib.auth.password_validation import validate_password
from django.contrib.auth.validators import UnicodeUsernameValidator
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import IntegrityError, transaction
from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status
from rest_framework.authentication import SessionAuthentication
from rest_framework.authtoken.models import Token
from rest_framework.exceptions import APIException, Throttled
from rest_framework.permissions import AllowAny, IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView

from shop.api import examples
from shop.api.serializers import UserSerializer
from shop.ratelimits import Attempt, login_attempt, signup_attempt
from shop.services.accounts import user_email_change, user_password_change

User = get_user_model()


class InvalidCredentials(APIException):
    status_code = status.HTTP_400_BAD_REQUEST
    default_code = "invalid_credentials"
    default_detail = "The username or password is wrong."


class TooManyAttempts(Throttled):
    default_detail = "Too many attempts for this account or from this address."


def refuse_if_limited(attempt: Attempt) -> None:
    if attempt.refused:
        raise TooManyAttempts(wait=attempt.retry_after)


def check_current_password(*, request, user, password: str) -> None:
    """Raises unless `password` is the user's; counted like a sign-in, so a stolen token cannot guess it."""
    refuse_if_limited(login_attempt(request=request._request, username=user.get_username()))
    if not user.check_password(password):
        raise serializers.ValidationError({"current_password": ["The password is wrong."]})


class TokenSerializer(serializers.Serializer):
    token = serializers.CharField(help_text="Send as `Authorization: Token <token>`.")
    user = UserSerializer()


def token_response(*, request, user, status_code: int) -> Response:
    token, _ = Token.objects.get_or_create(user=user)
    user_logged_in.send(sender=user.__class__, request=request._request, user=user)
    return Response(TokenSerializer({"token": token.key, "user": user}).data, status=status_code)


def email_taken(email: str, *, exclude_pk: int | None = None) -> bool:
    return User.objects.filter(email__iexact=email).exclude(pk=exclude_pk).exists()


class RegisterSerializer(serializers.Serializer):
    username = serializers.CharField(max_length=150, validators=[UnicodeUsernameValidator()])
    email = serializers.EmailField(max_length=254)
    password = serializers.CharField(
        max_length=128, trim_whitespace=False, write_only=True, style={"input_type": "password"}
    )

    def validate_username(self, username: str) -> str:
        if User.objects.filter(username__iexact=username).exists():
            raise serializers.ValidationError("This username is taken.")
        return username

    def validate_email(self, email: str) -> str:
        if email_taken(email):
            raise serializers.ValidationError("An account with this e-mail address exists already.")
        return email

    def validate(self, data):
        try:
            validate_password(data["password"], user=User(username=data["username"], email=data["email"]))
        except DjangoValidationError as exc:
            raise serializers.ValidationError({"password": list(exc.messages)}) from None
        return data


@extend_schema(
    tags=["account"],
    summary="Create an account",
    description="The password must pass the shop's password rules (length, not common, not all digits, "
    "not like the username). Answers with a token, so the app is signed in at once.",
    request=RegisterSerializer,
    responses={201: TokenSerializer},
    auth=[],
    examples=[
        examples.request(
            "New shopper", {"username": "alice", "email": "alice@example.com", "password": "correct-horse-9"}
        ),
        examples.response("Signed in", examples.TOKEN, status_code=201),
        examples.error(
            "Weak password",
            "invalid",
            "The request has invalid fields.",
            status_code=400,
            fields={"password": ["This password is too common."]},
        ),
    ],
)
class RegisterView(APIView):
    permission_classes = [AllowAny]
    throttle_scope = "auth"

    def post(self, request):
        data = RegisterSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        values = data.validated_data
        refuse_if_limited(signup_attempt(request=request._request))
        try:
            with transaction.atomic():
                user = User.objects.create_user(
                    username=values["username"], email=values["email"], password=values["password"]
                )
        except IntegrityError:  # the same username registered a moment ago
            raise serializers.ValidationError({"username": ["This username is taken."]}) from None
        return token_response(request=request, user=user, status_code=status.HTTP_201_CREATED)


class TokenObtainSerializer(serializers.Serializer):
    username = serializers.CharField(max_length=150)
    password = serializers.CharField(max_length=128, trim_whitespace=False, style={"input_type": "password"})


class TokenView(APIView):
    throttle_scope = "auth"

    def get_permissions(self):
        return [IsAuthenticated()] if self.request.method == "DELETE" else [AllowAny()]

    @extend_schema(
        tags=["account"],
        summary="Sign in: get a token",
        request=TokenObtainSerializer,
        responses={200: TokenSerializer},
        auth=[],
        examples=[
            examples.request("Credentials", {"username": "alice", "password": "correct-horse-9"}),
            examples.response("Signed in", examples.TOKEN),
            examples.error("Wrong password", "invalid_credentials", InvalidCredentials.default_detail, status_code=400),
            examples.error(
                "Too many attempts",
                "throttled",
                f"{TooManyAttempts.default_detail} Expected available in 840 seconds.",
                status_code=429,
            ),
        ],
    )
    def post(self, request):
        data = TokenObtainSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        username = data.validated_data["username"]
        refuse_if_limited(login_attempt(request=request._request, username=username))
        user = authenticate(request._request, username=username, password=data.validated_data["password"])
        if user is None:
            raise InvalidCredentials()
        return token_response(request=request, user=user, status_code=status.HTTP_200_OK)

    @extend_schema(tags=["account"], summary="Sign out: revoke the token", request=None, responses={204: None})
    def delete(self, request):
        Token.objects.filter(user=request.user).delete()
        return Response(status=status.HTTP_204_NO_CONTENT)


class ProfileUpdateSerializer(serializers.Serializer):
    email = serializers.EmailField(max_length=254, required=False)
    first_name = serializers.CharField(max_length=150, required=False, allow_blank=True)
    last_name = serializers.CharField(max_length=150, required=False, allow_blank=True)
    current_password = serializers.CharField(
        max_length=128,
        required=False,
        trim_whitespace=False,
        write_only=True,
        style={"input_type": "password"},
        help_text="Needed to change the e-mail address.",
    )

    def validate_email(self, email: str) -> str:
        if email_taken(email, exclude_pk=self.context["user"].pk):
            raise serializers.ValidationError("An account with this e-mail address exists already.")
        return email

    def validate(self, data):
        user = self.context["user"]
        if data.get("email", user.email) != user.email and not data.get("current_password"):
            raise serializers.ValidationError(
                {"current_password": ["Enter your current password to change your e-mail address."]}
            )
        return data


class MeView(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(
        tags=["account"],
        summary="Your profile",
        responses={200: UserSerializer},
        examples=[examples.response("Profile", examples.USER)],
    )
    def get(self, request):
        return Response(UserSerializer(request.user).data)

    @extend_schema(
        tags=["account"],
        summary="Edit your profile",
        description="Send only what changes; the username cannot change. A new e-mail address needs "
        "`current_password`, and the old address is told of the change.",
        request=ProfileUpdateSerializer,
        responses={200: UserSerializer},
        examples=[
            examples.request("New surname", {"last_name": "Smith"}),
            examples.request(
                "New e-mail address", {"email": "alice@example.org", "current_password": "correct-horse-9"}
            ),
            examples.response("Profile", {**examples.USER, "last_name": "Smith"}),
            examples.error(
                "Password missing",
                "invalid",
                "The request has invalid fields.",
                status_code=400,
                fields={"current_password": ["Enter your current password to change your e-mail address."]},
            ),
        ],
    )
    def patch(self, request):
        data = ProfileUpdateSerializer(data=request.data, context={"user": request.user})
        data.is_valid(raise_exception=True)
        user = request.user
        names = {
            field: data.validated_data[field] for field in ("first_name", "last_name") if field in data.validated_data
        }
        email = data.validated_data.get("email", user.email)
        if email != user.email:
            check_current_password(request=request, user=user, password=data.validated_data["current_password"])
            user_email_change(user=user, email=email)
        for field, value in names.items():
            setattr(user, field, value)
        if names:
            user.save(update_fields=list(names))
        return Response(UserSerializer(user).data)


class PasswordChangeSerializer(serializers.Serializer):
    current_password = serializers.CharField(
        max_length=128, trim_whitespace=False, write_only=True, style={"input_type": "password"}
    )
    new_password = serializers.CharField(
        max_length=128, trim_whitespace=False, write_only=True, style={"input_type": "password"}
    )


@extend_schema(
    tags=["account"],
    summary="Change your password",
    description="Needs the current password. Every token of the account is revoked and every other session "
    "signed out; the answer carries the new token for this app.",
    request=PasswordChangeSerializer,
    responses={200: TokenSerializer},
    examples=[
        examples.request("New password", {"current_password": "correct-horse-9", "new_password": "violet-kettle-42"}),
        examples.response("Signed in again", examples.TOKEN),
        examples.error(
            "Wrong password",
            "invalid",
            "The request has invalid fields.",
            status_code=400,
            fields={"current_password": ["The password is wrong."]},
        ),
    ],
)
class PasswordChangeView(APIView):
    permission_classes = [IsAuthenticated]
    throttle_scope = "auth"

    def post(self, request):
        data = PasswordChangeSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        user = request.user
        check_current_password(request=request, user=user, password=data.validated_data["current_password"])
        password = data.validated_data["new_password"]
        try:
            validate_password(password, user=user)
        except DjangoValidationError as exc:
            raise serializers.ValidationError({"new_password": list(exc.messages)}) from None
        user_password_change(user=user, password=password)
        if isinstance(request.successful_authenticator, SessionAuthentication):
            update_session_auth_hash(request._request, user)
        return token_response(request=request, user=user, status_code=status.HTTP_200_OK)
