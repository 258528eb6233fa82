"""Accounts: sign-up, sign-in with cart merge, order history and detail."""

from urllib.parse import urlsplit

import pytest
from django.contrib.auth import get_user_model
from django.test import Client
from django.urls import reverse
from rest_framework.authtoken.models import Token

from shop.models import Cart, CartLine
from shop.services.cart import cart_add, cart_get_or_create
from shop.services.orders import ShippingAddress, order_place
from tests.factories import make_product

pytestmark = pytest.mark.django_db

ADDRESS = ShippingAddress(name="Alice", line1="1 Main Street", city="Springfield", postcode="12345")


def place_order_for(user, product):
    cart = cart_get_or_create(user=user, session_key=None)
    cart_add(cart=cart, product_id=product.pk, quantity=1)
    return order_place(
        cart=cart,
        user=user,
        email=user.email,
        address=ADDRESS,
        shipping_method_code="standard",
        payment_method="cod",
        idempotency_key=f"key-{user.pk}-{product.pk}",
    )


def test_login_page_renders(client):
    # when
    response = client.get(reverse("shop:login"))
    # then
    assert response.status_code == 200
    assert 'name="username"' in response.text


def test_login_merges_the_anonymous_cart_into_the_users_cart(client, user, product, category):
    # given
    other = make_product(name="Strap", category=category)
    client.post(reverse("shop:cart_add"), {"product_id": product.pk, "quantity": "1"})
    users_cart = cart_get_or_create(user=user, session_key=None)
    cart_add(cart=users_cart, product_id=other.pk, quantity=1)
    # when
    response = client.post(reverse("shop:login"), {"username": "alice", "password": "correct-horse-battery"})
    # then
    assert response.status_code == 302
    lines = dict(CartLine.objects.filter(cart=users_cart).values_list("product_id", "quantity"))
    assert lines == {product.pk: 1, other.pk: 1}
    assert Cart.objects.count() == 1


def test_login_with_wrong_password_shows_an_error(client, user):
    # when
    response = client.post(reverse("shop:login"), {"username": "alice", "password": "wrong"})
    # then
    assert response.status_code == 200
    assert "alert--error" in response.text


def test_signup_creates_the_user_and_signs_in(client):
    # given
    data = {"username": "carol", "email": "carol@example.com", "password1": "x7!long-pass", "password2": "x7!long-pass"}
    # when
    response = client.post(reverse("shop:signup"), data)
    # then
    assert response.status_code == 302
    assert response["Location"] == reverse("shop:account")
    account = client.get(reverse("shop:account"))
    assert account.status_code == 200
    assert account.context["user"].username == "carol"
    assert account.context["user"].email == "carol@example.com"


def test_signup_redirects_to_a_safe_next(client):
    # given
    data = {"username": "carol", "email": "carol@example.com", "password1": "x7!long-pass", "password2": "x7!long-pass"}
    # when
    response = client.post(reverse("shop:signup") + "?next=/checkout/", data)
    # then
    assert response["Location"] == "/checkout/"


def test_signup_keeps_the_anonymous_cart(client, product):
    # given
    client.post(reverse("shop:cart_add"), {"product_id": product.pk, "quantity": "2"})
    data = {"username": "carol", "email": "carol@example.com", "password1": "x7!long-pass", "password2": "x7!long-pass"}
    # when
    client.post(reverse("shop:signup"), data)
    # then
    assert CartLine.objects.get(cart__user__username="carol").quantity == 2


def test_signup_with_mismatched_passwords_shows_errors(client):
    # given
    data = {"username": "carol", "email": "carol@example.com", "password1": "x7!long-pass", "password2": "other"}
    # when
    response = client.post(reverse("shop:signup"), data)
    # then
    assert response.status_code == 200
    assert "field--error" in response.text


def test_account_requires_login(client):
    # when
    response = client.get(reverse("shop:account"))
    # then
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("shop:login"))


def test_account_lists_own_orders_only(client, user, other_user, product):
    # given
    own = place_order_for(user, product)
    foreign = place_order_for(other_user, product)
    client.force_login(user)
    # when
    response = client.get(reverse("shop:account"))
    # then
    assert own.number in response.text
    assert foreign.number not in response.text


def test_order_detail_shows_own_order(client, user, product):
    # given
    order = place_order_for(user, product)
    client.force_login(user)
    # when
    response = client.get(reverse("shop:order_detail", kwargs={"number": order.number}))
    # then
    assert response.status_code == 200
    assert product.name in response.text


def test_order_detail_of_another_users_order_is_404(client, user, other_user, product):
    # given
    foreign = place_order_for(other_user, product)
    client.force_login(user)
    # when
    response = client.get(reverse("shop:order_detail", kwargs={"number": foreign.number}))
    # then
    assert response.status_code == 404


def test_confirmation_of_another_users_order_is_404(client, user, other_user, product):
    # given
    foreign = place_order_for(other_user, product)
    client.force_login(user)
    # when
    response = client.get(reverse("shop:order_confirmation", kwargs={"number": foreign.number}))
    # then
    assert response.status_code == 404


def test_logout_is_a_post_form_in_the_header(client, user):
    # given
    client.force_login(user)
    # when
    response = client.get(reverse("shop:home"))
    # then
    assert f'action="{reverse("shop:logout")}" method="post"' in response.text


def test_password_reset_sends_a_link_to_the_shop_confirm_page(client, user, mailoutbox):
    # when
    response = client.post(reverse("shop:password_reset"), {"email": user.email})
    # then
    assert response["Location"] == reverse("shop:password_reset_done")
    assert len(mailoutbox) == 1
    assert "/account/reset/" in mailoutbox[0].body


@pytest.mark.parametrize("name", ["shop:password_reset", "shop:password_reset_done", "shop:password_reset_complete"])
def test_password_reset_pages_render(client, name):
    # when
    response = client.get(reverse(name))
    # then
    assert response.status_code == 200


def test_password_reset_with_a_bad_link_says_so(client):
    # when
    response = client.get(reverse("shop:password_reset_confirm", kwargs={"uidb64": "xx", "token": "bad-token"}))
    # then
    assert "This link no longer works" in response.text


def test_signed_in_user_with_next_pointing_at_login_goes_to_the_account(client, user):
    client.force_login(user)
    response = client.get(reverse("shop:login") + "?next=" + reverse("shop:login"))
    assert response.status_code == 302
    assert response.url == reverse("shop:account")


PASSWORD = "correct-horse-battery"


@pytest.fixture
def limits(settings):
    def set_limits(**rates):
        settings.ACCOUNT_RATE_LIMITS = {**settings.ACCOUNT_RATE_LIMITS, **rates}

    return set_limits


def sign_in(client, username="alice", password=PASSWORD, **extra):
    return client.post(reverse("shop:login"), {"username": username, "password": password}, **extra)


def test_login_is_locked_per_account_until_the_window_passes(client, user, limits, rate_limit_clock):
    # given
    limits(login_account="3/15m")
    for guess in ["guess1", "guess2", "guess3"]:
        assert sign_in(client, password=guess).status_code == 200
    # when
    refused = sign_in(client)
    rate_limit_clock.advance(15 * 60)
    later = sign_in(client)
    # then
    assert refused.status_code == 429
    assert "Too many sign-in attempts" in refused.text
    assert later.status_code == 302


def test_a_locked_login_does_not_sign_in(client, user, limits, rate_limit_clock):
    limits(login_account="1/15m")
    sign_in(client, password="guess")

    sign_in(client)

    assert client.get(reverse("shop:account")).status_code == 302


def test_login_is_locked_per_address(client, user, limits, rate_limit_clock):
    # given
    limits(login_address="3/15m")
    for username in ["bob", "carol", "dave"]:
        sign_in(client, username=username, password="guess")
    # when
    same_address = sign_in(client)
    other_address = sign_in(Client(REMOTE_ADDR="198.51.100.4"))
    # then
    assert same_address.status_code == 429
    assert other_address.status_code == 302


def test_a_forged_forwarded_for_does_not_reset_the_login_limit(client, user, limits, rate_limit_clock, settings):
    settings.TRUSTED_PROXY_COUNT = 0
    limits(login_address="3/15m")
    for n, username in enumerate(["bob", "carol", "dave"]):
        sign_in(client, username=username, password="guess", HTTP_X_FORWARDED_FOR=f"192.0.2.{n}")

    assert sign_in(client, HTTP_X_FORWARDED_FOR="192.0.2.99").status_code == 429


def test_reset_emails_to_one_address_are_capped(client, user, mailoutbox, limits, rate_limit_clock):
    limits(password_reset_account="2/h")

    responses = [client.post(reverse("shop:password_reset"), {"email": user.email}) for _ in range(4)]

    assert len(mailoutbox) == 2
    assert [response.status_code for response in responses] == [302, 302, 429, 429]
    assert "Too many" in responses[-1].text


def test_reset_requests_from_one_address_are_capped(client, user, other_user, mailoutbox, limits, rate_limit_clock):
    limits(password_reset_address="2/h")

    for email in ["nobody@example.com", other_user.email, user.email]:
        client.post(reverse("shop:password_reset"), {"email": email})

    assert [message.to for message in mailoutbox] == [[other_user.email]]


def signup_data(n: int) -> dict:
    return {
        "username": f"shopper{n}",
        "email": f"shopper{n}@example.com",
        "password1": "x7!long-pass",
        "password2": "x7!long-pass",
    }


def test_signups_are_capped_per_address_whatever_the_forwarded_for(limits, rate_limit_clock, settings):
    settings.TRUSTED_PROXY_COUNT = 0
    limits(signup_address="2/h")

    responses = [
        Client().post(reverse("shop:signup"), signup_data(n), HTTP_X_FORWARDED_FOR=f"192.0.2.{n}") for n in range(3)
    ]

    assert [response.status_code for response in responses] == [302, 302, 429]
    assert "Too many" in responses[-1].text
    assert not get_user_model().objects.filter(username="shopper2").exists()


def test_password_reset_revokes_tokens_and_signs_out_other_sessions(client, user, mailoutbox):
    # given alice signed in elsewhere, on the site and in the app
    elsewhere = Client()
    elsewhere.force_login(user)
    Token.objects.create(user=user)
    client.post(reverse("shop:password_reset"), {"email": user.email})
    link = next(line for line in mailoutbox[0].body.splitlines() if "/account/reset/" in line)
    form_page = client.get(urlsplit(link.strip()).path, follow=True)
    # when
    response = client.post(
        form_page.redirect_chain[-1][0], {"new_password1": "violet-kettle-42", "new_password2": "violet-kettle-42"}
    )
    # then
    assert response.status_code == 302
    user.refresh_from_db()
    assert user.check_password("violet-kettle-42")
    assert not Token.objects.filter(user=user).exists()
    assert elsewhere.get(reverse("shop:account")).status_code == 302
