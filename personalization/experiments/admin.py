"""Experiments in the admin: edit drafts, start / pause / stop with actions, nothing risky while running."""

from __future__ import annotations

from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.forms.models import BaseInlineFormSet
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from personalization.experiments import services
from personalization.experiments.models import Allocation, Experiment, Exposure, Variant
from personalization.experiments.selectors import forget_running_experiments

FROZEN_WHILE_RUNNING = (
    "key", "surface", "salt", "primary_metric", "target_device", "target_visitors", "target_segment", "bandit",
)  # fmt: skip


class VariantFormSet(BaseInlineFormSet):
    def clean(self):
        super().clean()
        if any(self.errors):
            return
        drafts = [
            services.VariantDraft(
                form.cleaned_data["key"],
                form.cleaned_data["weight"],
                form.cleaned_data.get("is_control", False),
                form.cleaned_data.get("config") or {},
            )  # fmt: skip
            for form in self.forms
            if form.cleaned_data and not form.cleaned_data.get("DELETE")
        ]
        if drafts:
            services.variants_validate(surface=self.instance.surface, variants=drafts)


class VariantInline(admin.TabularInline):
    model = Variant
    formset = VariantFormSet
    extra = 0
    fields = ("key", "name", "weight", "is_control", "config", "position")

    def _running(self, obj) -> bool:
        return obj is not None and obj.status == Experiment.Status.RUNNING

    def get_readonly_fields(self, request, obj=None):
        # Weights and configs of a running experiment are frozen; the name stays editable.
        return ("key", "weight", "is_control", "config") if self._running(obj) else ()

    def has_add_permission(self, request, obj=None):
        return not self._running(obj) and super().has_add_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        return not self._running(obj) and super().has_delete_permission(request, obj)


class AllocationInline(admin.TabularInline):
    model = Allocation
    extra = 0
    can_delete = False
    readonly_fields = ("created_at", "weights", "chance_best")
    fields = readonly_fields

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Experiment)
class ExperimentAdmin(admin.ModelAdmin):
    list_display = ("key", "name", "surface", "status", "traffic_percent", "started_at", "results_link")
    list_filter = ("status", "surface")
    search_fields = ("key", "name", "hypothesis")
    inlines = [VariantInline, AllocationInline]
    actions = ["start", "pause", "stop"]
    fieldsets = (
        (None, {"fields": ("key", "name", "hypothesis", "surface", "status", "started_at", "ended_at")}),
        (_("Traffic"), {"fields": ("traffic_percent", "salt", "bandit")}),
        (_("Metrics"), {"fields": ("primary_metric", "guardrail_metrics")}),
        (_("Targeting"), {"fields": ("target_device", "target_visitors", "target_segment")}),
    )

    def get_readonly_fields(self, request, obj=None):
        readonly = ("status", "started_at", "ended_at")
        if obj is not None and obj.status == Experiment.Status.RUNNING:
            readonly += FROZEN_WHILE_RUNNING
        return readonly

    @admin.display(description=_("Results"))
    def results_link(self, obj):
        return format_html('<a href="{}">Results</a>', reverse("experiments:detail", args=[obj.key]))

    def _apply(self, request, queryset, action, done: str):
        for experiment in queryset:
            try:
                action(experiment=experiment)
            except ValidationError as error:
                self.message_user(request, f"{experiment.key}: {' '.join(error.messages)}", messages.ERROR)
            else:
                self.message_user(request, f"{experiment.key}: {done}.", messages.SUCCESS)

    @admin.action(description=_("Start the selected experiments"))
    def start(self, request, queryset):
        self._apply(request, queryset, services.experiment_start, "started")

    @admin.action(description=_("Pause the selected experiments"))
    def pause(self, request, queryset):
        self._apply(request, queryset, services.experiment_pause, "paused")

    @admin.action(description=_("Stop the selected experiments"))
    def stop(self, request, queryset):
        self._apply(request, queryset, services.experiment_stop, "stopped")

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        forget_running_experiments()


@admin.register(Exposure)
class ExposureAdmin(admin.ModelAdmin):
    list_display = ("experiment", "variant", "unit_id", "device", "exposed_at", "carried_from")
    list_filter = ("experiment", "device")
    search_fields = ("unit_id",)
    list_select_related = ("experiment", "variant__experiment")
    readonly_fields = [field.name for field in Exposure._meta.fields]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
