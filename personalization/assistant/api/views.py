"""The shopping assistant for the mobile app and the site's chat panel: one message in, the reply out."""

from __future__ import annotations

from django.conf import settings
from django.utils import translation
from drf_spectacular.utils import OpenApiExample, OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import serializers
from rest_framework.exceptions import NotFound, ValidationError
from rest_framework.response import Response
from rest_framework.settings import api_settings
from rest_framework.views import APIView

from config.api_errors import error_response
from personalization.assistant.api.streaming import MEDIA_TYPE, STREAM_EVENT_SCHEMA, EventStreamRenderer, turn_stream
from personalization.assistant.api.throttles import AssistantAddressThrottle, AssistantVisitorThrottle
from personalization.assistant.engine import Asker
from personalization.assistant.models import Message, Ticket
from personalization.assistant.services import MAX_MESSAGE_LENGTH, ConversationNotFound, conversation_for, message_post

LANGUAGES = [code for code, _name in settings.LANGUAGES]


class MessageInputSerializer(serializers.Serializer):
    conversation = serializers.UUIDField(
        required=False, allow_null=True, help_text="Omit to start a conversation; then send back the one returned."
    )
    message = serializers.CharField(max_length=MAX_MESSAGE_LENGTH, trim_whitespace=True)
    language = serializers.ChoiceField(
        choices=LANGUAGES, required=False, help_text="The reply's language; default: the request's language."
    )
    stream = serializers.BooleanField(
        required=False,
        default=False,
        help_text="Answer as Server-Sent Events (text/event-stream), as `Accept: text/event-stream` also asks.",
    )


class ChoiceSerializer(serializers.Serializer):
    label = serializers.CharField()
    message = serializers.CharField(required=False, help_text="Send this as the next message to choose it.")
    url = serializers.CharField(required=False, help_text="Or open this page.")


class AssistantProductSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()
    brand = serializers.CharField()
    price = serializers.DecimalField(max_digits=10, decimal_places=2)
    price_text = serializers.CharField()
    url = serializers.CharField()
    reason = serializers.CharField(help_text="One line on why it is listed; may be empty.")


class MessageOutputSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    author = serializers.ChoiceField(choices=Message.Author.choices)
    text = serializers.CharField()
    intent = serializers.CharField(allow_blank=True)
    created_at = serializers.DateTimeField()
    outcome = serializers.CharField(source="payload.outcome", default="", allow_blank=True)
    constraints = serializers.DictField(source="payload.constraints", default=dict)
    products = AssistantProductSerializer(many=True, source="payload.products", default=list)
    list_id = serializers.CharField(
        source="payload.list_id", default="", allow_blank=True, help_text="Send with list_click events."
    )
    choices = ChoiceSerializer(many=True, source="payload.choices", default=list)
    faq = serializers.DictField(source="payload.faq", default=None, allow_null=True, help_text="The entry quoted.")
    order = serializers.DictField(source="payload.order", default=None, allow_null=True)
    comparison = serializers.DictField(source="payload.comparison", default=None, allow_null=True)


class TurnSerializer(serializers.Serializer):
    conversation = serializers.UUIDField()
    reply = MessageOutputSerializer()
    ticket_status = serializers.CharField(allow_null=True, help_text="open, answered or closed once handed over.")


class TranscriptSerializer(serializers.Serializer):
    conversation = serializers.UUIDField()
    messages = MessageOutputSerializer(many=True)
    ticket_status = serializers.CharField(allow_null=True)


def asker_for(request, language: str | None = None) -> Asker:
    user = request.user if request.user.is_authenticated else None
    return Asker(
        user=user,
        visitor_id=getattr(request._request, "visitor_id", None) or "",
        language=language or translation.get_language() or settings.LANGUAGE_CODE,
        request=request._request,
    )


def _ticket_status(conversation) -> str | None:
    ticket = Ticket.objects.filter(conversation=conversation).values_list("status", flat=True).first()
    return ticket


@extend_schema(
    tags=["assistant"],
    summary="Send a message to the shopping assistant",
    description=(
        "The shopper is the token's user, or the anonymous visitor of the X-Visitor-Id header (the site: its "
        "session). Every fact in a reply comes from the shop: products matching the understood `constraints` "
        "(ranked for this shopper; the list is logged as an impression under `list_id`), the shopper's own "
        "orders, FAQ entries (quoted in `faq`). Actions (add to cart, cancel an order) are proposed with "
        "`outcome: confirm` and done only after the shopper answers yes. Rate limited per visitor and address.\n\n"
        "With `stream: true` (or `Accept: text/event-stream`) the answer is Server-Sent Events: `start` "
        '(`{"conversation": id}`), then `delta` events (`{"text": piece}`) whose pieces join to the reply\'s text, '
        "then `done` with the same body as the JSON answer (products as cards, choices, `list_id`, conversation "
        "id). An error is its usual status with one `error` event holding the usual error body."
    ),
    request=MessageInputSerializer,
    responses={
        (200, "application/json"): TurnSerializer,
        (200, MEDIA_TYPE): OpenApiResponse(
            response=STREAM_EVENT_SCHEMA,
            description="event: start, data: {conversation}; event: delta, data: {text} (repeated); "
            "event: done, data: the JSON answer's body.",
        ),
        400: error_response("An empty or too long message, or an unknown language."),
        404: error_response("No conversation with that id belongs to this shopper."),
    },
    examples=[
        OpenApiExample("Ask", {"message": "running shoes under 100"}, request_only=True),
        OpenApiExample(
            "Follow up",
            {"conversation": "0b9f7c4e-2d1a-4c53-9d39-1f3c1d1a2b3c", "message": "换个牌子", "language": "zh-hans"},
            request_only=True,
        ),
        OpenApiExample("Streamed", {"message": "跑鞋 500元以内", "stream": True}, request_only=True),
    ],
)
class AssistantMessageView(APIView):
    throttle_classes = [AssistantVisitorThrottle, AssistantAddressThrottle]
    renderer_classes = [*api_settings.DEFAULT_RENDERER_CLASSES, EventStreamRenderer]

    def post(self, request):
        data = MessageInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        asker = asker_for(request, data.validated_data.get("language"))
        try:
            conversation = conversation_for(asker=asker, conversation_id=data.validated_data.get("conversation"))
        except ConversationNotFound as missing:
            raise NotFound("No such conversation.") from missing
        try:
            _asked, answered = message_post(conversation=conversation, text=data.validated_data["message"], asker=asker)
        except ValueError as error:
            raise ValidationError({"message": [str(error)]}) from error
        turn = TurnSerializer(
            {"conversation": conversation.pk, "reply": answered, "ticket_status": _ticket_status(conversation)}
        ).data
        if data.validated_data["stream"] or request.accepted_renderer.media_type == MEDIA_TYPE:
            return turn_stream(turn)
        return Response(turn)


@extend_schema(
    tags=["assistant"],
    summary="Read a conversation (the assistant's and staff answers)",
    description="Messages after `after` (a message id), oldest first: how the panel shows a staff answer.",
    parameters=[
        OpenApiParameter("conversation", str, OpenApiParameter.PATH),
        OpenApiParameter("after", int, OpenApiParameter.QUERY, required=False),
    ],
    responses={200: TranscriptSerializer, 404: error_response("No such conversation for this shopper.")},
)
class AssistantConversationView(APIView):
    throttle_classes = [AssistantVisitorThrottle, AssistantAddressThrottle]

    def get(self, request, conversation):
        try:
            found = conversation_for(asker=asker_for(request), conversation_id=conversation)
        except ConversationNotFound as missing:
            raise NotFound("No such conversation.") from missing
        messages = found.messages.all()
        after = request.query_params.get("after")
        if after:
            if not after.isdigit():
                raise ValidationError({"after": ["A message id."]})
            messages = messages.filter(pk__gt=int(after))
        return Response(
            TranscriptSerializer(
                {"conversation": found.pk, "messages": list(messages), "ticket_status": _ticket_status(found)}
            ).data
        )
