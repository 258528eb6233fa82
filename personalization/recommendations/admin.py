from django.contrib import admin, messages
from django.urls import reverse
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext_lazy as _

from personalization.recommendations.facts import readable_facts
from personalization.recommendations.models import MerchandisingRule, ModelVersion
from personalization.recommendations.registry import model_version_promote, model_version_rollback

# Shown as tables of "path: value" rows (facts.readable_facts) instead of raw JSON.
READABLE_JSON_FIELDS = ("config", "snapshot", "metrics", "champion_metrics", "progress")


@admin.register(ModelVersion)
class ModelVersionAdmin(admin.ModelAdmin):
    """The list of training runs: progress while training, metrics and the promotion decision after."""

    list_display = [
        "id",
        "kind",
        "status",
        "progress_display",
        "ndcg",
        "hr",
        "device",
        "duration_seconds",
        "created_at",
        "promoted_at",
    ]
    list_filter = ["kind", "status", "device"]
    readonly_fields = [
        *(f.name for f in ModelVersion._meta.fields if f.name not in READABLE_JSON_FIELDS),
        "config_table",
        "snapshot_table",
        "metrics_table",
        "champion_metrics_table",
        "progress_table",
        "console_link",
    ]
    exclude = READABLE_JSON_FIELDS
    actions = ["promote", "rollback"]

    def has_add_permission(self, request):
        return False

    @admin.display(description=_("Progress"))
    def progress_display(self, version):
        p = version.progress or {}
        if not p:
            return ""
        text = f"epoch {p.get('epoch')}/{p.get('of')} · loss {p.get('loss')}"
        if "val_ndcg@10" in p:
            text += f" · val NDCG@10 {p['val_ndcg@10']}"
        return text

    @staticmethod
    def _facts_table(data) -> str:
        rows = readable_facts(data)
        if not rows:
            return "–"
        body = format_html_join("", '<tr><th scope="row">{}</th><td>{}</td></tr>', rows)
        return format_html('<table class="model-facts"><tbody>{}</tbody></table>', body)

    @admin.display(description=_("Staff console"))
    def console_link(self, version):
        url = reverse("console:model-detail", args=[version.pk])
        return format_html('<a href="{}">Beside the champion, per segment, with the training curve</a>', url)

    @admin.display(description=_("Config"))
    def config_table(self, version):
        return self._facts_table(version.config)

    @admin.display(description=_("Training data"))
    def snapshot_table(self, version):
        return self._facts_table(version.snapshot)

    @admin.display(description=_("Metrics on the holdout"))
    def metrics_table(self, version):
        return self._facts_table(version.metrics)

    @admin.display(description=_("Champion on the same holdout"))
    def champion_metrics_table(self, version):
        return self._facts_table(version.champion_metrics)

    @admin.display(description=_("Progress"))
    def progress_table(self, version):
        progress = {key: value for key, value in (version.progress or {}).items() if key != "curve"}
        return self._facts_table(progress)

    @admin.display(description=_("NDCG@10"))
    def ndcg(self, version):
        value = (version.metrics or {}).get("NDCG@10")
        return "" if value is None else f"{value:.4f}"

    @admin.display(description=_("HR@10"))
    def hr(self, version):
        value = (version.metrics or {}).get("HR@10")
        return "" if value is None else f"{value:.4f}"

    @admin.action(description=_("Promote to champion (serves pages)"))
    def promote(self, request, queryset):
        for version in queryset:
            try:
                model_version_promote(version=version, reason=f"Promoted by {request.user} in the admin.")
                self.message_user(request, f"{version} now serves pages.", messages.SUCCESS)
            except ValueError as error:
                self.message_user(request, str(error), messages.ERROR)

    @admin.action(description=_("Roll back to the previous champion of this kind"))
    def rollback(self, request, queryset):
        for kind in sorted(set(queryset.values_list("kind", flat=True))):
            try:
                restored = model_version_rollback(kind=kind)
                self.message_user(request, f"Rolled back: {restored} serves pages.", messages.SUCCESS)
            except ValueError as error:
                self.message_user(request, str(error), messages.ERROR)


@admin.register(MerchandisingRule)
class MerchandisingRuleAdmin(admin.ModelAdmin):
    list_display = [
        "name",
        "action",
        "product",
        "brand",
        "category",
        "position",
        "strength",
        "max_per_brand",
        "surfaces",
        "is_active",
    ]
    list_filter = ["action", "is_active"]
    list_editable = ["is_active"]
    search_fields = ["name", "product__name", "brand__name", "category__name"]
    raw_id_fields = ["product"]
