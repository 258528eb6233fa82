"""Applying an advertised voucher from the chat: only codes the shop advertises, after a yes, by the cart's rules."""

import pytest

from shop.cart_session import request_cart
from shop.vouchers.models import AppliedVoucher
from tests.personalization.assistant.dialogue import turn
from tests.shop.vouchers.factories import make_voucher

pytestmark = pytest.mark.django_db


@pytest.fixture
def cart_with_shoes(catalogue, shopper_request):
    from shop.services.cart import cart_add

    cart = request_cart(shopper_request, create=True)
    cart_add(cart=cart, product_id=catalogue["aurora_white"].pk, quantity=1)  # 129.99
    return cart


def test_an_advertised_voucher_is_proposed_then_applied_after_a_yes(cart_with_shoes, conversation, asker):
    make_voucher(code="SPRING10", advertised=True)

    proposal = turn(conversation, "apply a voucher please", asker)
    assert (proposal.intent, proposal.payload["outcome"]) == ("voucher_apply", "confirm")
    assert "SPRING10" in proposal.text and "10% off" in proposal.text
    assert not AppliedVoucher.objects.exists(), "nothing is applied before the yes"

    done = turn(conversation, "yes", asker)

    assert done.payload["outcome"] == "voucher_applied", done.text
    assert list(AppliedVoucher.objects.values_list("cart_id", "voucher__code")) == [(cart_with_shoes.pk, "SPRING10")]


def test_a_code_that_is_not_advertised_is_not_applied(cart_with_shoes, conversation, asker):
    make_voucher(code="SPRING10", advertised=True)
    make_voucher(code="STAFFONLY50", value="50")

    reply = turn(conversation, "use the code STAFFONLY50", asker)

    assert reply.payload["outcome"] == "not_advertised"
    assert turn(conversation, "yes", asker).payload["outcome"] == "nothing_pending"
    assert not AppliedVoucher.objects.exists()


def test_the_carts_rules_hold_a_minimum_spend_refuses_it(cart_with_shoes, conversation, asker):
    make_voucher(code="BIG20", advertised=True, min_spend="500")

    turn(conversation, "用一下优惠券", asker)
    refused = turn(conversation, "好的", asker)

    assert refused.payload["outcome"] == "failed" and "500" in refused.text
    assert not AppliedVoucher.objects.exists()


def test_with_several_on_offer_the_shopper_chooses(cart_with_shoes, conversation, asker):
    make_voucher(code="SPRING10", advertised=True)
    make_voucher(code="SHIPFREE", kind="free_shipping", value="0", advertised=True)

    choose = turn(conversation, "apply a coupon", asker)
    assert choose.payload["outcome"] == "choose_voucher"
    assert [c["message"] for c in choose.payload["choices"]] == ["apply voucher SPRING10", "apply voucher SHIPFREE"]

    assert "SHIPFREE" in turn(conversation, "apply voucher SHIPFREE", asker).text
    assert turn(conversation, "yes", asker).payload["outcome"] == "voucher_applied"
    assert list(AppliedVoucher.objects.values_list("voucher__code", flat=True)) == ["SHIPFREE"]


def test_with_nothing_on_offer_it_says_so(cart_with_shoes, conversation, asker):
    make_voucher(code="HIDDEN", advertised=False)

    assert turn(conversation, "can you apply a discount code", asker).payload["outcome"] == "no_voucher"


@pytest.mark.parametrize("question", ["how do I use a coupon", "优惠券怎么用", "do you have discount codes?"])
def test_asking_how_vouchers_work_is_no_request_to_apply_one(catalogue, conversation, asker, question):
    make_voucher(code="SPRING10", advertised=True)

    assert turn(conversation, question, asker).intent != "voucher_apply"
