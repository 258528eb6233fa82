"""Conversations with the shopping assistant, the FAQ it quotes, its intent model and the tickets staff answer."""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class Conversation(models.Model):
    """One shopper's chat: its turns, and what the assistant remembers between them (`state`)."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        related_name="assistant_conversations",
        on_delete=models.CASCADE,
        verbose_name=_("user"),
    )
    visitor_id = models.CharField(max_length=64, blank=True, db_index=True, verbose_name=_("visitor id"))
    language = models.CharField(max_length=10, default="en", verbose_name=_("language"))
    # The last search's constraints, the products shown, an action waiting for the shopper's yes.
    state = models.JSONField(default=dict, blank=True, verbose_name=_("state"))
    created_at = models.DateTimeField(auto_now_add=True, verbose_name=_("created at"))
    updated_at = models.DateTimeField(auto_now=True, verbose_name=_("updated at"))

    class Meta:
        ordering = ["-updated_at"]
        verbose_name = _("conversation")
        verbose_name_plural = _("conversations")

    def __str__(self) -> str:
        return f"Conversation {str(self.pk)[:8]}"


class Message(models.Model):
    class Author(models.TextChoices):
        SHOPPER = "shopper", _("Shopper")
        ASSISTANT = "assistant", _("Assistant")
        STAFF = "staff", _("Staff")

    conversation = models.ForeignKey(
        Conversation, related_name="messages", on_delete=models.CASCADE, verbose_name=_("conversation")
    )
    author = models.CharField(max_length=10, choices=Author.choices, verbose_name=_("author"))
    text = models.TextField(verbose_name=_("text"))
    intent = models.CharField(max_length=30, blank=True, verbose_name=_("intent"))
    confidence = models.FloatField(null=True, blank=True, verbose_name=_("confidence"))
    # What the reply showed: constraints, products with the list id, choices, the FAQ entry quoted.
    payload = models.JSONField(default=dict, blank=True, verbose_name=_("payload"))
    created_at = models.DateTimeField(auto_now_add=True, db_index=True, verbose_name=_("created at"))

    class Meta:
        ordering = ["created_at", "pk"]
        verbose_name = _("message")
        verbose_name_plural = _("messages")

    def __str__(self) -> str:
        return f"{self.get_author_display()}: {self.text[:60]}"


class FaqEntry(models.Model):
    """A question staff answer once, in every language (see translation.py); the assistant quotes it."""

    question = models.CharField(max_length=200, verbose_name=_("question"))
    answer = models.TextField(verbose_name=_("answer"))
    # Other ways shoppers ask it ("delivery time, how long shipping"), searched with the question.
    keywords = models.CharField(max_length=300, blank=True, verbose_name=_("keywords"))
    is_published = models.BooleanField(default=True, verbose_name=_("is published"))
    updated_at = models.DateTimeField(auto_now=True, verbose_name=_("updated at"))

    class Meta:
        ordering = ["question"]
        verbose_name = _("FAQ entry")
        verbose_name_plural = _("FAQ entries")

    def __str__(self) -> str:
        return self.question


class IntentExample(models.Model):
    """A phrase staff teach the intent model, in any language; read at every training."""

    text = models.CharField(max_length=300, verbose_name=_("text"))
    intent = models.CharField(max_length=30, verbose_name=_("intent"))
    created_at = models.DateTimeField(auto_now_add=True, verbose_name=_("created at"))

    class Meta:
        ordering = ["intent", "text"]
        verbose_name = _("intent example")
        verbose_name_plural = _("intent examples")

    def __str__(self) -> str:
        return f"{self.intent}: {self.text}"


class IntentModelVersion(models.Model):
    """A trained intent model: weights as JSON (no pickle), its held-out metrics, promoted only when better."""

    class Status(models.TextChoices):
        CANDIDATE = "candidate", _("Candidate (not promoted)")
        CHAMPION = "champion", _("Champion (serving)")
        RETIRED = "retired", _("Retired")

    status = models.CharField(
        max_length=20, choices=Status.choices, default=Status.CANDIDATE, db_index=True, verbose_name=_("status")
    )
    weights = models.JSONField(default=dict, verbose_name=_("weights"))
    metrics = models.JSONField(default=dict, blank=True, verbose_name=_("metrics"))
    snapshot = models.JSONField(default=dict, blank=True, verbose_name=_("training data"))
    decision = models.CharField(max_length=300, blank=True, verbose_name=_("decision"))
    duration_seconds = models.FloatField(null=True, blank=True, verbose_name=_("duration seconds"))
    created_at = models.DateTimeField(auto_now_add=True, verbose_name=_("created at"))

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("intent model version")
        constraints = [
            models.UniqueConstraint(
                fields=["status"], condition=models.Q(status="champion"), name="one_intent_champion"
            ),
        ]

    def __str__(self) -> str:
        return f"Intent model v{self.pk} ({self.status})"


class Ticket(models.Model):
    """A conversation handed to a person: staff answer it in the admin, the shopper reads it in the panel."""

    class Status(models.TextChoices):
        OPEN = "open", _("Open")
        ANSWERED = "answered", _("Answered")
        CLOSED = "closed", _("Closed")

    conversation = models.OneToOneField(
        Conversation, related_name="ticket", on_delete=models.CASCADE, verbose_name=_("conversation")
    )
    status = models.CharField(
        max_length=10, choices=Status.choices, default=Status.OPEN, db_index=True, verbose_name=_("status")
    )
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        related_name="assistant_tickets",
        on_delete=models.SET_NULL,
        verbose_name=_("assignee"),
    )
    email = models.EmailField(blank=True, verbose_name=_("email"))
    created_at = models.DateTimeField(auto_now_add=True, verbose_name=_("created at"))
    updated_at = models.DateTimeField(auto_now=True, verbose_name=_("updated at"))

    class Meta:
        ordering = ["status", "-created_at"]
        verbose_name = _("ticket")
        verbose_name_plural = _("tickets")

    def __str__(self) -> str:
        return f"Ticket {self.pk} ({self.get_status_display()})"
