from django.contrib import admin, messages
from django.utils.translation import gettext_lazy as _

from personalization.tracking.models import DeadLetterEvent, Event, PersonalizationPreference, VisitorLink
from personalization.tracking.services import dead_letters_drop, dead_letters_replay


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


@admin.register(DeadLetterEvent)
class DeadLetterEventAdmin(admin.ModelAdmin):
    """Events the database refused. Correct `raw` where the event itself is wrong, then replay; or drop."""

    list_display = ["created_at", "reason", "raw"]
    list_filter = [("created_at", admin.DateFieldListFilter)]
    search_fields = ["reason", "raw"]
    readonly_fields = ["reason", "created_at"]
    fields = ["raw", "reason", "created_at"]
    actions = ["replay_dead_letters", "drop_dead_letters"]

    def has_add_permission(self, request):
        return False

    def get_actions(self, request):
        actions = super().get_actions(request)
        actions.pop("delete_selected", None)  # "drop" says what it does here
        return actions

    @admin.action(description=_("Replay: store the selected events now"), permissions=["change"])
    def replay_dead_letters(self, request, queryset):
        stored, refused = dead_letters_replay(dead_letters=queryset)
        self.message_user(request, f"{stored} stored, {refused} refused again (see their reason).", messages.INFO)

    @admin.action(description=_("Drop the selected events"), permissions=["delete"])
    def drop_dead_letters(self, request, queryset):
        dropped = dead_letters_drop(dead_letters=queryset)
        self.message_user(request, f"{dropped} dropped.", messages.INFO)
