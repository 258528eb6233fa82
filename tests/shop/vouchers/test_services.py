"""Voucher rules through the services: applying in a cart, redeeming with an order, releasing on cancel."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.core.management import call_command
from django.utils import timezone

from shop.exceptions import StaleCart
from shop.models import Order
from shop.services.cart import cart_add, cart_get_or_create, cart_remove
from shop.services.orders import order_transition
from shop.vouchers import exceptions as errors
from shop.vouchers.models import AppliedVoucher, Voucher, VoucherBatch, VoucherRedemption
from shop.vouchers.selectors import cart_vouchers
from shop.vouchers.services import voucher_apply, voucher_batch_generate, voucher_remove
from tests.factories import make_category, make_product, make_user
from tests.shop.vouchers.conftest import place
from tests.shop.vouchers.factories import make_voucher

pytestmark = pytest.mark.django_db
D = Decimal


def test_code_is_found_in_any_case_with_spaces(cart, user):
    make_voucher(code="SPRING10")

    voucher = voucher_apply(cart=cart, code=" spring 10 ", user=user)

    assert voucher.code == "SPRING10"
    assert [v.code for v in cart_vouchers(cart=cart)] == ["SPRING10"]


def test_codes_are_unique_whatever_the_case():
    make_voucher(code="SUMMER")
    with pytest.raises(Exception):  # noqa: B017  (IntegrityError, wrapped differently per database)
        make_voucher(code="summer")


def test_applying_twice_keeps_one(cart, user):
    make_voucher(code="TWICE")
    voucher_apply(cart=cart, code="TWICE", user=user)
    voucher_apply(cart=cart, code="twice", user=user)
    assert AppliedVoucher.objects.filter(cart=cart).count() == 1


def test_remove_takes_it_out(cart, user):
    make_voucher(code="GONE")
    voucher_apply(cart=cart, code="GONE", user=user)
    voucher_remove(cart=cart, code="gone")
    assert cart_vouchers(cart=cart) == []
    with pytest.raises(errors.VoucherNotFound):
        voucher_remove(cart=cart, code="gone")


def _refused(cart, user, code, error):
    before = list(AppliedVoucher.objects.filter(cart=cart).values_list("voucher_id", flat=True))
    with pytest.raises(error) as raised:
        voucher_apply(cart=cart, code=code, user=user)
    assert list(AppliedVoucher.objects.filter(cart=cart).values_list("voucher_id", flat=True)) == before
    assert raised.value.code.startswith("voucher_")
    assert raised.value.message
    return raised.value


def test_unknown_code(cart, user):
    _refused(cart, user, "NOPE", errors.VoucherNotFound)


def test_inactive_code_is_unknown(cart, user):
    make_voucher(code="OFF", is_active=False)
    _refused(cart, user, "OFF", errors.VoucherNotFound)


def test_expired(cart, user):
    make_voucher(code="OLD", ends_at=timezone.now() - timedelta(days=1))
    assert "expired" in _refused(cart, user, "OLD", errors.VoucherExpired).message


def test_not_yet_valid(cart, user):
    make_voucher(code="SOON", starts_at=timezone.now() + timedelta(days=2))
    assert "valid from" in _refused(cart, user, "SOON", errors.VoucherNotYetValid).message


def test_below_minimum_spend(cart, user):
    make_voucher(code="BIG", min_spend="1000.00")
    assert "2.00 short" in _refused(cart, user, "BIG", errors.VoucherMinimumSpend).message


def test_already_used_by_this_customer(cart, user, product, address, shipping_methods):
    make_voucher(code="ONCE", per_customer_limit=1)
    voucher_apply(cart=cart, code="ONCE", user=user)
    place(cart, user, address)
    cart_add(cart=cart, product_id=product.pk, quantity=1)

    _refused(cart, user, "ONCE", errors.VoucherAlreadyUsed)


def test_someone_elses_personal_code(cart, user, other_user):
    make_voucher(code="BOBONLY", owner=other_user)
    _refused(cart, user, "BOBONLY", errors.VoucherNotYours)


def test_personal_code_needs_signing_in(product):
    owner = make_user()
    make_voucher(code="MINE", owner=owner)
    guest_cart = cart_get_or_create(user=None, session_key="guest-session")
    cart_add(cart=guest_cart, product_id=product.pk, quantity=1)
    assert "sign in" in _refused(guest_cart, None, "MINE", errors.VoucherNotYours).message


def test_own_personal_code_applies(cart, user):
    make_voucher(code="ALICE", owner=user)
    assert voucher_apply(cart=cart, code="ALICE", user=user).code == "ALICE"


def test_usage_limit_reached(cart, user):
    make_voucher(code="FULL", usage_limit=3, used_count=3)
    assert _refused(cart, user, "FULL", errors.VoucherUsedUp).message == "This voucher has been fully used."


def test_does_not_apply_to_anything_in_the_cart(cart, user):
    make_voucher(code="SHOES", categories=[make_category(name="Shoes")])
    _refused(cart, user, "SHOES", errors.VoucherNotApplicable)


def test_cannot_combine_by_default(cart, user):
    make_voucher(code="FIRST")
    make_voucher(code="SECOND", combinable=True)
    voucher_apply(cart=cart, code="FIRST", user=user)
    _refused(cart, user, "SECOND", errors.VoucherCannotCombine)


def test_two_combinable_vouchers_both_apply(cart, user, address, shipping_methods):
    make_voucher(code="TEN", combinable=True)
    make_voucher(code="FIVE", kind=Voucher.Kind.FIXED, value="5.00", combinable=True)
    voucher_apply(cart=cart, code="TEN", user=user)
    voucher_apply(cart=cart, code="FIVE", user=user)

    order = place(cart, user, address)

    assert order.discount_total == D("104.80")  # 99.80 then 5.00 off what is left
    assert sorted(VoucherRedemption.objects.values_list("amount", flat=True)) == [D("5.00"), D("99.80")]


def test_category_restriction_includes_subcategories_and_discounts_only_those_lines(
    cart, user, strap, address, shipping_methods
):
    accessories = make_category(name="Accessories")
    straps = make_category(name="Straps", parent=accessories)
    strap.category = straps
    strap.save(update_fields=["category"])
    cart_add(cart=cart, product_id=strap.pk, quantity=1)
    make_voucher(code="ACC50", value="50", categories=[accessories])
    voucher_apply(cart=cart, code="ACC50", user=user)

    order = place(cart, user, address)

    assert order.discount_total == D("10.00")
    assert order.total == D("1008.00")
    redemption = VoucherRedemption.objects.get()
    strap_line = order.lines.get(product=strap)
    assert redemption.line_discounts == {str(strap_line.pk): "10.00"}


def test_order_stores_the_discount_and_redemption_and_empties_the_cart(cart, user, address, shipping_methods):
    voucher = make_voucher(code="SAVE10", usage_limit=10)
    voucher_apply(cart=cart, code="SAVE10", user=user)

    order = place(cart, user, address)

    assert (order.subtotal, order.discount_total, order.total) == (D("998.00"), D("99.80"), D("898.20"))
    redemption = VoucherRedemption.objects.get()
    assert (redemption.order, redemption.user, redemption.email, redemption.amount) == (
        order,
        user,
        user.email,
        D("99.80"),
    )
    voucher.refresh_from_db()
    assert voucher.used_count == 1
    assert not AppliedVoucher.objects.filter(cart=cart).exists()


def test_free_shipping_voucher_takes_off_the_shipping(user, address, shipping_methods, brand):
    cheap = make_product(price="10.00", brand=brand)
    cart = cart_get_or_create(user=user, session_key=None)
    cart_add(cart=cart, product_id=cheap.pk, quantity=1)
    make_voucher(code="SHIPFREE", kind=Voucher.Kind.FREE_SHIPPING, value="0")
    voucher_apply(cart=cart, code="SHIPFREE", user=user)

    order = place(cart, user, address)

    assert order.shipping_total > 0
    assert order.discount_total == order.shipping_total
    assert order.total == D("10.00")


def test_expected_total_includes_the_voucher(cart, user, address, shipping_methods):
    make_voucher(code="SAVE10")
    voucher_apply(cart=cart, code="SAVE10", user=user)

    with pytest.raises(StaleCart):
        place(cart, user, address, expected_total=D("998.00"))
    assert place(cart, user, address, expected_total=D("898.20"), attempt=2).total == D("898.20")


def test_a_voucher_used_up_meanwhile_refuses_the_order_and_keeps_the_cart(cart, user, address, shipping_methods):
    voucher = make_voucher(code="LAST", usage_limit=1)
    voucher_apply(cart=cart, code="LAST", user=user)
    Voucher.objects.filter(pk=voucher.pk).update(used_count=1)  # someone else took the last use

    with pytest.raises(errors.VoucherUsedUp, match="fully used"):
        place(cart, user, address)

    assert not Order.objects.exists()
    assert cart.lines.count() == 1
    assert AppliedVoucher.objects.filter(cart=cart).exists()


def test_a_cart_that_shrank_below_minimum_spend_refuses_the_order(
    cart, user, product, strap, address, shipping_methods
):
    cart_add(cart=cart, product_id=strap.pk, quantity=1)
    make_voucher(code="MIN", min_spend="30.00", products=[strap])
    voucher_apply(cart=cart, code="MIN", user=user)
    cart_remove(cart=cart, product_id=product.pk)

    with pytest.raises(errors.VoucherMinimumSpend):
        place(cart, user, address)
    assert not Order.objects.exists()


def test_guest_per_customer_limit_counts_by_email(address, shipping_methods, product):
    make_voucher(code="GUEST")
    for attempt in (1, 2):
        cart = cart_get_or_create(user=None, session_key=f"session-{attempt}")
        cart_add(cart=cart, product_id=product.pk, quantity=1)
        voucher_apply(cart=cart, code="GUEST", user=None)
        if attempt == 1:
            place(cart, None, address, email="Guest@Example.com")
        else:
            with pytest.raises(errors.VoucherAlreadyUsed):
                place(cart, None, address, email="guest@example.com")


@pytest.mark.parametrize("final", [Order.Status.CANCELLED, Order.Status.REFUNDED])
def test_cancel_or_refund_releases_the_redemption(cart, user, address, shipping_methods, final):
    voucher = make_voucher(code="BACK", usage_limit=1)
    voucher_apply(cart=cart, code="BACK", user=user)
    order = place(cart, user, address)
    if final == Order.Status.REFUNDED:
        order_transition(order=order, to_status=Order.Status.PAID)

    order_transition(order=order, to_status=final)

    voucher.refresh_from_db()
    assert voucher.used_count == 0
    assert VoucherRedemption.objects.get().released_at is not None


def test_released_voucher_can_be_used_again(cart, user, product, address, shipping_methods):
    make_voucher(code="AGAIN", usage_limit=1)
    voucher_apply(cart=cart, code="AGAIN", user=user)
    order_transition(order=place(cart, user, address), to_status=Order.Status.CANCELLED)
    cart_add(cart=cart, product_id=product.pk, quantity=1)

    voucher_apply(cart=cart, code="AGAIN", user=user)
    assert place(cart, user, address, attempt=2).discount_total == D("49.90")


def test_batch_generates_distinct_single_use_codes():
    batch = VoucherBatch.objects.create(name="Spring mailing", prefix="SPR")

    vouchers = voucher_batch_generate(batch=batch, count=25, kind=Voucher.Kind.FIXED, value=D("5.00"))

    codes = {v.code for v in Voucher.objects.filter(batch=batch)}
    assert len(vouchers) == len(codes) == 25
    assert all(code.startswith("SPR") and len(code) == 13 for code in codes)
    assert set(Voucher.objects.filter(batch=batch).values_list("usage_limit", "per_customer_limit")) == {(1, 1)}


def test_generate_command_prints_the_codes(capsys):
    call_command(
        "vouchers_generate", "Autumn", "3", "--kind", "fixed", "--value", "5", "--prefix", "aut", "--days", "10"
    )

    codes = capsys.readouterr().out.split()
    assert len(codes) == 3 and all(code.startswith("AUT") for code in codes)
    assert Voucher.objects.filter(batch__name="Autumn", ends_at__isnull=False).count() == 3
