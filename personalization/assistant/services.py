"""Every write of the assistant: a shopper's turn, the hand-over to a person, staff answers, export and deletion."""

from __future__ import annotations

import logging
import time

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.db.models import Q
from django.utils import translation
from django.utils.translation import gettext as _

from personalization.assistant.engine import Asker, Reply, respond
from personalization.assistant.models import Conversation, Message, Ticket
from personalization.tracking.capture import defer, event_from_request, recording_allowed
from personalization.tracking.models import Event
from personalization.tracking.validation import validate_assistant_turn

logger = logging.getLogger(__name__)
MAX_MESSAGE_LENGTH = 500


class ConversationNotFound(Exception):
    """No conversation with that id belongs to this shopper (another's reads the same as a missing one)."""


def conversation_for(*, asker: Asker, conversation_id=None) -> Conversation:
    """The asker's conversation with this id, or a new one when no id is given."""
    if conversation_id is None:
        return Conversation.objects.create(
            user=asker.user if asker.signed_in else None, visitor_id=asker.visitor_id, language=asker.language
        )
    owned = Conversation.objects.filter(pk=conversation_id)
    if asker.signed_in:
        owned = owned.filter(user=asker.user)
    else:
        if not asker.visitor_id:
            raise ConversationNotFound(str(conversation_id))
        owned = owned.filter(user=None, visitor_id=asker.visitor_id)
    conversation = owned.first()
    if conversation is None:
        raise ConversationNotFound(str(conversation_id))
    return conversation


def message_post(*, conversation: Conversation, text: str, asker: Asker) -> tuple[Message, Message]:
    """One turn: the shopper's message, the assistant's reply (and a ticket if they asked for a person)."""
    text = " ".join(text.split())[:MAX_MESSAGE_LENGTH]
    if not text:
        raise ValueError(_("The message is empty."))
    started = time.perf_counter()
    with transaction.atomic():
        conversation = Conversation.objects.select_for_update().get(pk=conversation.pk)
        asked = Message.objects.create(conversation=conversation, author=Message.Author.SHOPPER, text=text)
        reply = respond(message=text, state=conversation.state, asker=asker)
        asked.intent = reply.intent
        asked.confidence = reply.confidence
        asked.payload = {"constraints": reply.constraints, "outcome": reply.outcome}
        asked.save(update_fields=["intent", "confidence", "payload"])
        answered = Message.objects.create(
            conversation=conversation,
            author=Message.Author.ASSISTANT,
            text=reply.text,
            intent=reply.intent,
            confidence=reply.confidence,
            payload={**reply.payload(), "elapsed_ms": round(1000 * (time.perf_counter() - started), 1)},
        )
        conversation.state = reply.state
        conversation.language = asker.language
        conversation.save(update_fields=["state", "language", "updated_at"])
        if reply.handover:
            ticket_open(conversation=conversation, asker=asker)
    _turn_record(asker=asker, reply=reply, text=text, conversation=conversation)
    return asked, answered


def _turn_record(*, asker: Asker, reply: Reply, text: str, conversation: Conversation) -> None:
    """The turn as an `assistant_turn` event (intent, outcome, constraints, the list shown); never raises.

    Not a `search`: follow-ups ("cheaper"), order and FAQ questions would teach the search's query intents
    words that are no product search. Clicks on the cards are `list_click` events with this list id.
    """
    request = asker.request
    if request is None or not hasattr(request, "_tracking_pending"):
        return
    try:
        if not recording_allowed(request):
            return
        context = validate_assistant_turn(
            {
                "query": text[:200],
                "intent": reply.intent or "unclear",
                "outcome": reply.outcome,
                "constraints": reply.constraints,
                "list_id": reply.list_id,
                "result_count": len(reply.products),
                "conversation": str(conversation.pk),
            }
        )
        defer(request, event_from_request(request, type=Event.Type.ASSISTANT_TURN, context=context))
    except Exception:
        logger.exception("Could not record the assistant turn")


def ticket_open(*, conversation: Conversation, asker: Asker) -> Ticket:
    email = getattr(asker.user, "email", "") if asker.signed_in else ""
    ticket, created = Ticket.objects.get_or_create(conversation=conversation, defaults={"email": email or ""})
    if not created and ticket.status != Ticket.Status.OPEN:
        ticket.status = Ticket.Status.OPEN
        ticket.save(update_fields=["status", "updated_at"])
    return ticket


def ticket_answer(*, ticket: Ticket, text: str, by) -> Message:
    """A staff member's answer: it joins the transcript (the panel shows it) and is e-mailed when we know where."""
    text = text.strip()
    if not text:
        raise ValueError(_("The answer is empty."))
    with transaction.atomic():
        message = Message.objects.create(conversation=ticket.conversation, author=Message.Author.STAFF, text=text)
        ticket.status = Ticket.Status.ANSWERED
        fields = ["status", "updated_at"]
        if ticket.assignee_id is None:
            ticket.assignee = by
            fields.append("assignee")
        ticket.save(update_fields=fields)
        if ticket.email:
            transaction.on_commit(lambda: _send_answer(ticket_pk=ticket.pk, text=text))
    return message


def _send_answer(*, ticket_pk: int, text: str) -> None:
    ticket = Ticket.objects.select_related("conversation").get(pk=ticket_pk)
    with translation.override(ticket.conversation.language):
        try:
            send_mail(
                subject=_("%(shop)s: an answer to your question") % {"shop": settings.SHOP_NAME},
                message=_("Hello,\n\nour team answered your question:\n\n%(answer)s\n\n%(shop)s")
                % {"answer": text, "shop": settings.SHOP_NAME},
                from_email=settings.DEFAULT_FROM_EMAIL,
                recipient_list=[ticket.email],
            )
        except Exception:  # the answer is in the transcript; a mail outage must not undo it
            logger.exception("Could not e-mail the answer of ticket %s", ticket.pk)


def conversations_of(*, user=None, visitor_ids=()):
    """A shopper's conversations: their account's, and those they had anonymously under their visitor ids."""
    anonymous = Q(user=None, visitor_id__in=[v for v in visitor_ids if v])
    return Conversation.objects.filter(Q(user=user) | anonymous if user is not None else anonymous)


def conversations_export(*, user=None, visitor_ids=()) -> list[dict]:
    return [
        {
            "id": str(c.pk),
            "created_at": c.created_at.isoformat(),
            "messages": [
                {"author": m.author, "text": m.text, "created_at": m.created_at.isoformat()} for m in c.messages.all()
            ],
        }
        for c in conversations_of(user=user, visitor_ids=visitor_ids)
        .prefetch_related("messages")
        .order_by("created_at")
    ]


def conversations_delete(*, user=None, visitor_ids=()) -> int:
    deleted, _counts = conversations_of(user=user, visitor_ids=visitor_ids).delete()
    return deleted
