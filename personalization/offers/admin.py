from django.contrib import admin
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from modeltranslation.admin import TranslationAdmin

from personalization.offers.models import CouponCampaign, OfferAssignment, UpliftModel
from personalization.offers.report import campaign_report


@admin.register(CouponCampaign)
class CouponCampaignAdmin(TranslationAdmin):  # the name (the banner's title) in every language
    list_display = ["name", "key", "status", "budget", "discount", "holdout_percent", "targeting", "report_link"]
    list_filter = ["status", "targeting"]
    search_fields = ["name", "key"]
    prepopulated_fields = {"key": ["name"]}
    fieldsets = [
        (None, {"fields": ["name", "key", "status", "starts_at", "ends_at", "budget"]}),
        (
            _("Voucher"),
            {
                "fields": [
                    "discount_kind",
                    "discount_value",
                    "max_discount",
                    "min_spend",
                    "code_valid_days",
                    "code_prefix",
                ]
            },
        ),
        (_("Eligibility"), {"fields": ["audience", "min_past_orders", "max_past_orders"]}),
        (
            _("Choice and measurement"),
            {"fields": ["targeting", "exploration_percent", "holdout_percent", "margin_rate", "salt"]},
        ),
    ]

    @admin.display(description=_("Discount"))
    def discount(self, campaign):
        return campaign.discount_label

    @admin.display(description=_("Report"))
    def report_link(self, obj):
        return format_html('<a href="{}">Report</a>', reverse("admin:offers_couponcampaign_report", args=[obj.pk]))

    def get_urls(self):
        report = self.admin_site.admin_view(self.report_view)
        return [path("<int:pk>/report/", report, name="offers_couponcampaign_report"), *super().get_urls()]

    def report_view(self, request, pk: int):
        campaign = self.get_object(request, str(pk))
        if campaign is None or not self.has_view_permission(request, campaign):
            return self._get_obj_does_not_exist_redirect(request, self.opts, str(pk))
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "campaign": campaign,
            "report": campaign_report(campaign=campaign),
            "title": f"Report: {campaign.name}",
        }
        return TemplateResponse(request, "offers/report.html", context)


@admin.register(OfferAssignment)
class OfferAssignmentAdmin(admin.ModelAdmin):
    list_display = ["campaign", "user", "group", "selected", "reason", "voucher", "expected_margin", "decided_at"]
    list_filter = ["campaign", "group", "selected", "reason"]
    search_fields = ["user__username", "voucher__code"]
    raw_id_fields = ["user", "voucher"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(UpliftModel)
class UpliftModelAdmin(admin.ModelAdmin):
    list_display = ["id", "status", "n_treated", "n_control", "metrics", "created_at"]
    readonly_fields = ["parameters", "metrics", "n_treated", "n_control", "task_id", "created_at"]

    def has_add_permission(self, request):
        return False
