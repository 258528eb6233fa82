from django.contrib import admin, messages
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _
from modeltranslation.admin import TranslationAdmin

from shop.vouchers.models import Voucher, VoucherBatch, VoucherRedemption
from shop.vouchers.services import voucher_batch_generate

MORE_CODES = 50


@admin.register(Voucher)
class VoucherAdmin(TranslationAdmin):  # the description in every language
    list_display = [
        "code",
        "kind",
        "value",
        "min_spend",
        "used_count",
        "usage_limit",
        "ends_at",
        "owner",
        "advertised",
        "is_active",
    ]
    list_filter = ["kind", "is_active", "advertised", "combinable", "batch"]
    search_fields = ["code", "owner__username", "owner__email"]
    raw_id_fields = ["owner", "products"]
    filter_horizontal = ["categories"]
    readonly_fields = ["used_count", "created_at"]


@admin.register(VoucherBatch)
class VoucherBatchAdmin(admin.ModelAdmin):
    list_display = ["name", "prefix", "created_at"]
    actions = ["generate_more"]

    @admin.action(
        description=format_lazy(
            _("Generate {count} more single-use codes with the terms of the batch's codes"), count=MORE_CODES
        )
    )
    def generate_more(self, request, queryset):
        for batch in queryset:
            model = batch.vouchers.order_by("pk").first()
            if model is None:
                self.message_user(
                    request, f"{batch}: no code to copy; use manage.py vouchers_generate.", messages.WARNING
                )
                continue
            voucher_batch_generate(
                batch=batch,
                count=MORE_CODES,
                kind=model.kind,
                value=model.value,
                min_spend=model.min_spend,
                max_discount=model.max_discount,
                starts_at=model.starts_at,
                ends_at=model.ends_at,
            )
            self.message_user(request, f"{batch}: {MORE_CODES} codes generated.")


@admin.register(VoucherRedemption)
class VoucherRedemptionAdmin(admin.ModelAdmin):
    list_display = ["voucher", "order", "user", "email", "amount", "created_at", "released_at"]
    list_filter = ["released_at"]
    search_fields = ["voucher__code", "order__number", "email"]
    raw_id_fields = ["voucher", "order", "user"]
