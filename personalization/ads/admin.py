"""Campaigns in the admin: promoted products, budgets and targeting; pause / activate; the advertiser report."""

from __future__ import annotations

from datetime import timedelta

from django.contrib import admin, messages
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from personalization.ads import services
from personalization.ads.models import AdCampaign, AdClick, FilteredAdClick, PromotedProduct
from personalization.ads.selectors import advertiser_report, forged_click_count

REPORT_PERIODS = {"1": 1, "7": 7, "30": 30, "90": 90}


class PromotedProductInline(admin.TabularInline):
    model = PromotedProduct
    extra = 1
    autocomplete_fields = ("product",)
    fields = ("product", "impressions", "clicks")
    readonly_fields = ("impressions", "clicks")


@admin.register(AdCampaign)
class AdCampaignAdmin(admin.ModelAdmin):
    list_display = (
        "name", "advertiser", "status", "max_cpc", "daily_budget", "spent_today_now", "total_budget", "spent_total",
        "starts_at", "ends_at",
    )  # fmt: skip
    list_filter = ("status",)
    search_fields = ("name", "advertiser")
    inlines = [PromotedProductInline]
    filter_horizontal = ("target_categories",)
    autocomplete_fields = ("brand",)
    readonly_fields = ("spent_total", "spent_today", "spend_day", "created_at", "updated_at")
    actions = ["activate", "pause"]
    change_list_template = "ads/admin/campaign_change_list.html"
    fieldsets = (
        (None, {"fields": ("name", "advertiser", "brand", "status")}),
        (_("Bid and budget"), {"fields": ("max_cpc", "daily_budget", "total_budget")}),
        (_("Schedule"), {"fields": ("starts_at", "ends_at")}),
        (
            _("Targeting"),
            {
                "fields": ("target_categories", "keywords"),
                "description": "Leave both empty to show products in their own categories and for searches "
                "that name them.",
            },
        ),
        (_("Spend"), {"fields": ("spent_total", "spent_today", "spend_day", "created_at", "updated_at")}),
    )

    @admin.display(description=_("Spent today"))
    def spent_today_now(self, campaign):
        return campaign.spent_on(timezone.localdate())

    @admin.action(description=_("Activate the selected campaigns"))
    def activate(self, request, queryset):
        for campaign in queryset:
            services.campaign_status_set(campaign=campaign, status=AdCampaign.Status.ACTIVE)
        messages.success(request, f"Activated {queryset.count()} campaign(s).")

    @admin.action(description=_("Pause the selected campaigns"))
    def pause(self, request, queryset):
        for campaign in queryset.filter(status=AdCampaign.Status.ACTIVE):
            services.campaign_status_set(campaign=campaign, status=AdCampaign.Status.PAUSED)
        messages.success(request, "Paused.")

    def get_urls(self):
        report = self.admin_site.admin_view(self.report_view)
        return [path("report/", report, name="ads_adcampaign_report"), *super().get_urls()]

    def report_view(self, request):
        if not self.has_view_permission(request):
            from django.core.exceptions import PermissionDenied

            raise PermissionDenied
        days = REPORT_PERIODS.get(request.GET.get("days", "30"), 30)
        until = timezone.now()
        since = until - timedelta(days=days)
        campaigns = AdCampaign.objects.order_by("advertiser", "name")
        if request.GET.get("advertiser"):
            campaigns = campaigns.filter(advertiser=request.GET["advertiser"])
        rows = advertiser_report(since=since, until=until, campaigns=campaigns)
        context = {
            **self.admin_site.each_context(request),
            "title": "Advertiser report",
            "opts": self.model._meta,
            "rows": rows,
            "forged_clicks": forged_click_count(since=since, until=until),
            "days": days,
            "periods": list(REPORT_PERIODS.values()),
            "since": since,
            "until": until,
            "advertiser": request.GET.get("advertiser", ""),
            "advertisers": AdCampaign.objects.order_by("advertiser").values_list("advertiser", flat=True).distinct(),
        }
        return TemplateResponse(request, "ads/admin/report.html", context)


@admin.register(AdClick)
class AdClickAdmin(admin.ModelAdmin):
    list_display = ("clicked_at", "campaign_link", "product", "slot", "price", "cost")
    list_filter = ("slot",)
    list_select_related = ("campaign", "product")
    date_hierarchy = "clicked_at"

    @admin.display(description=_("Campaign"))
    def campaign_link(self, click):
        url = reverse("admin:ads_adcampaign_change", args=[click.campaign_id])
        return format_html('<a href="{}">{}</a>', url, click.campaign.name)

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(FilteredAdClick)
class FilteredAdClickAdmin(admin.ModelAdmin):
    list_display = ("clicked_at", "reason", "campaign", "product", "slot", "price")
    list_filter = ("reason", "slot")
    list_select_related = ("campaign", "product")
    date_hierarchy = "clicked_at"

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
