"""Staff pages: the FAQ the assistant quotes, the phrases its intent model learns, its versions, and tickets."""

from __future__ import annotations

from django import forms
from django.contrib import admin, messages
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext_lazy as _
from modeltranslation.admin import TranslationAdmin

from personalization.assistant.models import Conversation, FaqEntry, IntentExample, IntentModelVersion, Ticket
from personalization.assistant.services import ticket_answer
from personalization.assistant.training import intent_model_promote


@admin.register(FaqEntry)
class FaqEntryAdmin(TranslationAdmin):
    list_display = ("question", "is_published", "updated_at")
    list_filter = ("is_published",)
    search_fields = ("question", "answer", "keywords")


@admin.register(IntentExample)
class IntentExampleAdmin(admin.ModelAdmin):
    list_display = ("text", "intent", "created_at")
    list_filter = ("intent",)
    search_fields = ("text",)


@admin.register(IntentModelVersion)
class IntentModelVersionAdmin(admin.ModelAdmin):
    list_display = ("id", "status", "holdout_accuracy", "decision", "duration_seconds", "created_at")
    list_filter = ("status",)
    readonly_fields = ("status", "metrics", "snapshot", "decision", "duration_seconds", "created_at")
    exclude = ("weights",)
    actions = ["promote", "train"]

    @admin.display(description=_("held-out accuracy"))
    def holdout_accuracy(self, obj: IntentModelVersion):
        return obj.metrics.get("holdout_accuracy")

    @admin.action(description=_("Promote the selected version"))
    def promote(self, request, queryset):
        if queryset.count() != 1:
            self.message_user(request, _("Select exactly one version."), messages.ERROR)
            return
        intent_model_promote(version=queryset.get(), reason="Promoted by staff.")

    @admin.action(description=_("Train a new version now (queued)"))
    def train(self, request, queryset):
        from personalization.assistant.tasks import train_intent_model

        train_intent_model.delay()
        self.message_user(request, _("Training queued; the new version appears here when it finishes."))


def _transcript(conversation: Conversation):
    return format_html(
        "<ol class='assistant-transcript'>{}</ol>",
        format_html_join(
            "",
            "<li><strong>{}</strong> <small>{}</small><br>{}</li>",
            (
                (m.get_author_display(), m.created_at.strftime("%Y-%m-%d %H:%M"), m.text)
                for m in conversation.messages.all()
            ),
        ),
    )


@admin.register(Conversation)
class ConversationAdmin(admin.ModelAdmin):
    list_display = ("__str__", "user", "language", "updated_at")
    readonly_fields = ("user", "visitor_id", "language", "created_at", "transcript")
    exclude = ("state",)

    @admin.display(description=_("transcript"))
    def transcript(self, obj: Conversation):
        return _transcript(obj)


class TicketForm(forms.ModelForm):
    answer = forms.CharField(
        label=_("Answer"),
        widget=forms.Textarea(attrs={"rows": 4}),
        required=False,
        help_text=_("Shown to the shopper in the chat panel and e-mailed when the ticket has an address."),
    )

    class Meta:
        model = Ticket
        fields = ("status", "assignee", "email")


@admin.register(Ticket)
class TicketAdmin(admin.ModelAdmin):
    form = TicketForm
    list_display = ("id", "status", "assignee", "email", "created_at", "updated_at")
    list_filter = ("status",)
    list_select_related = ("assignee",)
    readonly_fields = ("transcript", "created_at")
    fields = ("status", "assignee", "email", "transcript", "answer", "created_at")

    @admin.display(description=_("transcript"))
    def transcript(self, obj: Ticket):
        return _transcript(obj.conversation) if obj.pk else ""

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        answer = form.cleaned_data.get("answer", "").strip()
        if answer:
            ticket_answer(ticket=obj, text=answer, by=request.user)
