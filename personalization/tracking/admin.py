from django.contrib import admin

from personalization.tracking.models import Event, PersonalizationPreference, VisitorLink


@admin.register(Event)
class EventAdmin(admin.ModelAdmin):
    list_display = ["timestamp", "type", "visitor_id", "user", "product", "path", "value"]
    list_filter = ["type", ("timestamp", admin.DateFieldListFilter)]
    date_hierarchy = "timestamp"
    search_fields = ["=uuid", "=visitor_id", "path"]
    list_select_related = ["user", "product"]
    raw_id_fields = ["user", "product"]
    # Events are facts recorded by the system; staff read them, never edit them.
    readonly_fields = [f.name for f in Event._meta.fields]
    show_full_result_count = False

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(VisitorLink)
class VisitorLinkAdmin(admin.ModelAdmin):
    list_display = ["visitor_id", "user", "created_at"]
    list_filter = [("created_at", admin.DateFieldListFilter)]
    search_fields = ["=visitor_id", "user__username", "user__email"]
    raw_id_fields = ["user"]


@admin.register(PersonalizationPreference)
class PersonalizationPreferenceAdmin(admin.ModelAdmin):
    list_display = ["user", "enabled", "updated_at"]
    list_filter = ["enabled"]
    raw_id_fields = ["user"]
