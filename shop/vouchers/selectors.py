"""Reads of the vouchers app: a voucher by code, the vouchers in a cart, the terms pricing needs."""

from __future__ import annotations

from django.db.models import F, Q, QuerySet
from django.utils import timezone

from shop.models import Cart, Category
from shop.vouchers.models import AppliedVoucher, Voucher, VoucherRedemption, normalize_code
from shop.vouchers.pricing import VoucherTerms


def voucher_by_code(*, code: str) -> Voucher | None:
    code = normalize_code(code)
    if not code:
        return None
    return Voucher.objects.filter(code=code).first()


def advertised_vouchers(*, limit: int = 3) -> list[Voucher]:
    """Codes the shop shows to everyone: advertised, active, running now, not used up, nobody's personal code."""
    now = timezone.now()
    return list(
        Voucher.objects.filter(advertised=True, is_active=True, owner=None, batch=None)
        .filter(Q(starts_at=None) | Q(starts_at__lte=now), Q(ends_at=None) | Q(ends_at__gt=now))
        .filter(Q(usage_limit=None) | Q(used_count__lt=F("usage_limit")))
        .order_by("created_at", "pk")[:limit]
    )


def _with_descendants(category_ids: set[int]) -> frozenset[int]:
    found, frontier = set(category_ids), set(category_ids)
    while frontier:
        frontier = set(Category.objects.filter(parent_id__in=frontier).values_list("pk", flat=True)) - found
        found |= frontier
    return frozenset(found)


def voucher_terms(voucher: Voucher) -> VoucherTerms:
    category_ids = {category.pk for category in voucher.categories.all()}
    return VoucherTerms(
        id=voucher.pk,
        code=voucher.code,
        kind=voucher.kind,
        value=voucher.value,
        min_spend=voucher.min_spend,
        max_discount=voucher.max_discount,
        product_ids=frozenset(product.pk for product in voucher.products.all()),
        category_ids=_with_descendants(category_ids) if category_ids else frozenset(),
        combinable=voucher.combinable,
        label=voucher.label,
    )


def cart_vouchers(*, cart: Cart | None) -> list[Voucher]:
    """The vouchers entered in the cart, in the order they were entered."""
    if cart is None or cart.pk is None:
        return []
    applied = (
        AppliedVoucher.objects.filter(cart=cart)
        .select_related("voucher")
        .prefetch_related("voucher__categories", "voucher__products")
        .order_by("applied_at", "pk")
    )
    return [row.voucher for row in applied]


def cart_voucher_terms(*, cart: Cart | None) -> list[VoucherTerms]:
    return [voucher_terms(voucher) for voucher in cart_vouchers(cart=cart)]


def redemptions_for_order(*, order) -> QuerySet[VoucherRedemption]:
    return VoucherRedemption.objects.filter(order=order, released_at__isnull=True).select_related("voucher")


def customer_redemption_count(*, voucher: Voucher, user, email: str) -> int:
    """Unreleased uses of the voucher by this account, or by this e-mail address for a guest."""
    redemptions = VoucherRedemption.objects.filter(voucher=voucher, released_at__isnull=True)
    if user is not None and getattr(user, "is_authenticated", False):
        return redemptions.filter(user=user).count()
    if email:
        return redemptions.filter(email__iexact=email).count()
    return 0
