"""Every write of the vouchers app: apply and remove in a cart, redeem with an order, release, generate codes.

Entering a code checks it against the cart as it is (a friendly early answer); the order
service checks it again with the voucher row locked (select_for_update), so a limit of
100 uses gives exactly 100 orders however many shoppers check out at once. Voucher rows
are always locked after the product rows and in primary-key order, so checkouts never
deadlock. A voucher that no longer holds at checkout refuses the order with its reason:
the shopper sees why the total changed instead of paying a price they did not confirm.
"""

from __future__ import annotations

import secrets
from collections.abc import Sequence
from datetime import datetime
from decimal import Decimal

from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext

from shop.models import Cart, Order
from shop.vouchers.exceptions import (
    VoucherAlreadyUsed,
    VoucherError,
    VoucherExpired,
    VoucherNotFound,
    VoucherNotYetValid,
    VoucherNotYours,
    VoucherUsedUp,
)
from shop.vouchers.models import AppliedVoucher, Voucher, VoucherBatch, VoucherRedemption, normalize_code
from shop.vouchers.selectors import cart_vouchers, customer_redemption_count, voucher_by_code, voucher_terms
from shop.vouchers.signals import voucher_applied

# No 0/O or 1/I/L: codes are read off screens and typed on phones.
CODE_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"
CODE_LENGTH = 10


def voucher_check_usable(*, voucher: Voucher, user, email: str = "", now: datetime | None = None) -> None:
    """Raise the first reason the voucher cannot be used by this customer now; the cart is checked by pricing."""
    now = now or timezone.now()
    if not voucher.is_active:
        raise VoucherNotFound()
    if voucher.starts_at and voucher.starts_at > now:
        raise VoucherNotYetValid(
            gettext("%(code)s is valid from %(date)s.")
            % {"code": voucher.code, "date": date_format(timezone.localtime(voucher.starts_at), gettext("d M Y"))}
        )
    if voucher.ends_at and voucher.ends_at <= now:
        raise VoucherExpired(
            gettext("%(code)s expired on %(date)s.")
            % {"code": voucher.code, "date": date_format(timezone.localtime(voucher.ends_at), gettext("d M Y"))}
        )
    signed_in = user is not None and getattr(user, "is_authenticated", False)
    if voucher.owner_id is not None and not (signed_in and user.pk == voucher.owner_id):
        raise VoucherNotYours(
            None if signed_in else "This is a personal voucher: sign in to the account it was sent to."
        )
    if voucher.usage_limit is not None and voucher.used_count >= voucher.usage_limit:
        raise VoucherUsedUp()
    limit = voucher.per_customer_limit
    if limit is not None and customer_redemption_count(voucher=voucher, user=user, email=email) >= limit:
        raise VoucherAlreadyUsed()


def voucher_apply(*, cart: Cart, code: str, user=None) -> Voucher:
    """Enter a code in the cart; raises a VoucherError (and leaves the cart as it was) if it cannot be used."""
    from shop.pricing import compute_totals
    from shop.selectors import cart_lines

    voucher = voucher_by_code(code=code)
    if voucher is None:
        raise VoucherNotFound()
    applied = cart_vouchers(cart=cart)
    if any(other.pk == voucher.pk for other in applied):
        return voucher
    voucher_check_usable(voucher=voucher, user=user)
    terms = [voucher_terms(other) for other in applied] + [voucher_terms(voucher)]
    outcome = compute_totals(cart_lines(cart=cart), vouchers=terms).vouchers[-1]
    if outcome.error is not None:
        raise outcome.error
    try:
        with transaction.atomic():
            AppliedVoucher.objects.create(cart=cart, voucher=voucher)
    except IntegrityError:  # the same code submitted twice at once
        return voucher
    voucher_applied.send(sender=Voucher, cart=cart, voucher=voucher, user=user)
    return voucher


def voucher_remove(*, cart: Cart, code: str) -> None:
    deleted, _ = AppliedVoucher.objects.filter(cart=cart, voucher__code=normalize_code(code)).delete()
    if not deleted:
        raise VoucherNotFound("This voucher is not in your cart.")


def vouchers_clear(*, cart: Cart) -> None:
    AppliedVoucher.objects.filter(cart=cart).delete()


def vouchers_lock_for_order(*, cart: Cart, user, email: str) -> list[Voucher]:
    """The cart's vouchers, row-locked in pk order and checked for this customer. Call inside the order's atomic."""
    applied = AppliedVoucher.objects.filter(cart=cart).order_by("applied_at", "pk")
    voucher_ids = list(applied.values_list("voucher_id", flat=True))
    if not voucher_ids:
        return []
    locked = {v.pk: v for v in Voucher.objects.select_for_update().filter(pk__in=voucher_ids).order_by("pk")}
    now = timezone.now()
    vouchers = [locked[pk] for pk in voucher_ids if pk in locked]
    for voucher in vouchers:
        voucher_check_usable(voucher=voucher, user=user, email=email, now=now)
    return vouchers


def voucher_redemptions_create(
    *, order: Order, cart: Cart, vouchers: Sequence[Voucher], totals, line_ids: dict[int, int]
) -> None:
    """Record each voucher's use by `order` and count it, under the locks of vouchers_lock_for_order.

    `line_ids` maps product id to the order line's id, so the per-line discounts stay on record.
    """
    by_id = {voucher.pk: voucher for voucher in vouchers}
    for outcome in totals.vouchers:
        if outcome.error is not None:
            raise outcome.error
    redemptions = []
    for outcome in totals.vouchers:
        voucher = by_id[outcome.terms.id]
        redemptions.append(
            VoucherRedemption(
                voucher=voucher,
                order=order,
                user_id=order.user_id,
                email=order.email,
                amount=outcome.amount,
                line_discounts={str(line_ids[pk]): str(amount) for pk, amount in outcome.line_amounts.items()},
            )
        )
        Voucher.objects.filter(pk=voucher.pk).update(used_count=F("used_count") + 1)
    VoucherRedemption.objects.bulk_create(redemptions)
    vouchers_clear(cart=cart)


def voucher_redemptions_release(*, order: Order) -> int:
    """A cancelled or refunded order gives its vouchers back; returns how many. Call inside the order's atomic."""
    redemptions = list(VoucherRedemption.objects.filter(order=order, released_at__isnull=True).order_by("voucher_id"))
    if not redemptions:
        return 0
    list(Voucher.objects.select_for_update().filter(pk__in=[r.voucher_id for r in redemptions]).order_by("pk"))
    now = timezone.now()
    for redemption in redemptions:
        redemption.released_at = now
        redemption.save(update_fields=["released_at"])
        Voucher.objects.filter(pk=redemption.voucher_id, used_count__gt=0).update(used_count=F("used_count") - 1)
    return len(redemptions)


def _random_code(prefix: str) -> str:
    body = "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))
    return normalize_code(f"{prefix}{body}")


def voucher_batch_generate(
    *,
    batch: VoucherBatch,
    count: int,
    kind: str,
    value: Decimal,
    min_spend: Decimal = Decimal("0"),
    max_discount: Decimal | None = None,
    starts_at: datetime | None = None,
    ends_at: datetime | None = None,
) -> list[Voucher]:
    """`count` new random single-use codes in `batch`, all with the same terms."""
    if count < 1:
        raise ValueError("Generate at least one code.")
    created: list[Voucher] = []
    while len(created) < count:
        wanted = {_random_code(batch.prefix) for _ in range(count - len(created))}
        wanted -= set(Voucher.objects.filter(code__in=wanted).values_list("code", flat=True))
        rows = [
            Voucher(
                code=code,
                kind=kind,
                value=value,
                min_spend=min_spend,
                max_discount=max_discount,
                starts_at=starts_at,
                ends_at=ends_at,
                usage_limit=1,
                per_customer_limit=1,
                batch=batch,
            )
            for code in wanted
        ]
        created.extend(Voucher.objects.bulk_create(rows))
    return created


def voucher_issue_personal(
    *,
    owner,
    kind: str,
    value: Decimal,
    ends_at: datetime,
    min_spend: Decimal = Decimal("0"),
    max_discount: Decimal | None = None,
    prefix: str = "",
    description: str = "",
) -> Voucher:
    """A single-use code only `owner` may redeem (personal offers)."""
    for _ in range(5):
        try:
            with transaction.atomic():
                return Voucher.objects.create(
                    code=_random_code(prefix),
                    kind=kind,
                    value=value,
                    min_spend=min_spend,
                    max_discount=max_discount,
                    ends_at=ends_at,
                    usage_limit=1,
                    per_customer_limit=1,
                    owner=owner,
                    description=description,
                )
        except IntegrityError:  # 31^10 codes: a clash is rare, but not impossible
            continue
    raise VoucherError("Could not generate a unique code.")
