from django import forms
from django.contrib import admin, messages
from django.contrib.admin.helpers import ActionForm
from django.utils.translation import gettext_lazy as _

from shop.reviews.models import Review, ReviewReport
from shop.reviews.services import review_moderate


class ModerationActionForm(ActionForm):
    reason = forms.CharField(required=False, max_length=200, help_text="Shown to the author when rejecting.")


class ReportInline(admin.TabularInline):
    model = ReviewReport
    extra = 0
    readonly_fields = ["user", "reason", "created_at"]
    can_delete = False


@admin.register(Review)
class ReviewAdmin(admin.ModelAdmin):
    """The moderation queue: filter by status and hold reason, publish or reject in bulk."""

    list_display = [
        "product",
        "user",
        "rating",
        "title",
        "status",
        "hold_reason",
        "verified_purchase",
        "helpful_count",
        "report_count",
        "created_at",
    ]
    list_filter = ["status", "hold_reason", "verified_purchase", "rating", "language"]
    search_fields = ["title", "body", "user__username", "user__email", "product__name"]
    raw_id_fields = ["product", "user"]
    readonly_fields = ["verified_purchase", "helpful_count", "report_count", "created_at", "updated_at"]
    inlines = [ReportInline]
    action_form = ModerationActionForm
    actions = ["publish", "reject"]

    @admin.action(description=_("Publish the selected reviews"))
    def publish(self, request, queryset):
        for review in queryset:
            review_moderate(review=review, publish=True)
        self.message_user(request, f"Published {len(queryset)} review(s).", messages.SUCCESS)

    @admin.action(description=_("Reject the selected reviews (with the reason typed beside the action)"))
    def reject(self, request, queryset):
        reason = request.POST.get("reason", "").strip()[:200]
        if not reason:
            self.message_user(request, "Type a reason for the rejection.", messages.ERROR)
            return
        for review in queryset:
            review_moderate(review=review, publish=False, reason=reason)
        self.message_user(request, f"Rejected {len(queryset)} review(s).", messages.SUCCESS)
