"""A 100-use voucher and 200 shoppers checking out at once: exactly 100 discounted orders."""

from concurrent.futures import ThreadPoolExecutor
from decimal import Decimal

import pytest
from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import connection

from shop.models import Order
from shop.services.cart import cart_add, cart_get_or_create
from shop.vouchers.exceptions import VoucherUsedUp
from shop.vouchers.models import Voucher, VoucherRedemption
from shop.vouchers.services import voucher_apply
from tests.factories import make_product
from tests.shop.vouchers.conftest import place
from tests.shop.vouchers.factories import make_voucher

SHOPPERS = 200
USES = 100
WORKERS = 20


@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(not settings.USING_POSTGRES, reason="row locks need PostgreSQL (set DATABASE_URL)")
def test_two_hundred_checkouts_of_a_hundred_use_voucher(address, shipping_methods, settings):
    # given 200 shoppers who all entered the same 100-use voucher
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    product = make_product(price="20.00", stock=SHOPPERS)
    voucher = make_voucher(code="HUNDRED", kind=Voucher.Kind.FIXED, value="5.00", usage_limit=USES)
    shoppers = []
    for n in range(SHOPPERS):
        shopper = get_user_model().objects.create_user(username=f"rush{n}", email=f"rush{n}@example.com")
        cart = cart_get_or_create(user=shopper, session_key=None)
        cart_add(cart=cart, product_id=product.pk, quantity=1)
        voucher_apply(cart=cart, code="HUNDRED", user=shopper)
        shoppers.append((shopper, cart))

    def check_out(pair):
        shopper, cart = pair
        try:
            place(cart, shopper, address)
            return "ok"
        except VoucherUsedUp as error:
            return error.message
        except Exception as error:  # recorded so the assertion shows it
            return repr(error)
        finally:
            connection.close()

    # when they all check out at once
    with ThreadPoolExecutor(max_workers=WORKERS) as pool:
        outcomes = list(pool.map(check_out, shoppers))

    # then exactly 100 orders, each discounted, and the others refused with the reason
    assert outcomes.count("ok") == USES, set(outcomes)
    assert outcomes.count("This voucher has been fully used.") == SHOPPERS - USES, set(outcomes)
    assert Order.objects.count() == USES
    assert set(Order.objects.values_list("discount_total", flat=True)) == {Decimal("5.00")}
    assert VoucherRedemption.objects.count() == USES
    voucher.refresh_from_db()
    assert voucher.used_count == USES
