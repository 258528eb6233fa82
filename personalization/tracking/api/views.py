"""REST endpoints: the event batch (tracking script and mobile app) and the shopper's own data."""

from __future__ import annotations

from datetime import timedelta

from django.http import HttpRequest
from django.utils import timezone
from drf_spectacular.utils import OpenApiExample, OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import status
from rest_framework.authentication import SessionAuthentication, TokenAuthentication
from rest_framework.permissions import AllowAny, IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView

from config.api_errors import error_body, error_response
from personalization.shopper import user_id_of
from personalization.tracking import buffer
from personalization.tracking.capture import clean_referrer
from personalization.tracking.parsers import BeaconParser, BoundedJSONParser
from personalization.tracking.policy import ALLOWED, Decision, user_enabled_personalization
from personalization.tracking.schema import TrackedEvent
from personalization.tracking.serializers import (
    BehaviourDataDeletedSerializer,
    BehaviourDataSerializer,
    EventBatchAcceptedSerializer,
    EventBatchErrorSerializer,
    EventBatchInputSerializer,
    PersonalizationSerializer,
)
from personalization.tracking.services import (
    behaviour_data_delete,
    behaviour_data_export,
    events_record,
    personalization_set,
    visitor_link_create,
)
from personalization.tracking.throttles import AddressEventsThrottle, VisitorEventsThrottle
from personalization.tracking.validation import (
    MAX_BODY_BYTES,
    BatchInvalid,
    product_ids_named,
    validate_batch,
)
from shop.models import Product

ERROR_EXAMPLE = OpenApiExample(
    "A batch with one bad event",
    status_codes=["400"],
    response_only=True,
    value=error_body(
        "invalid",
        "The request has invalid fields.",
        {"events": [{}, {"type": ["purchase events are recorded by the server and cannot be sent."]}]},
    ),
)


class EventBatchView(APIView):
    """Record a batch of behaviour events.

    Up to 100 events and 64 KB per request. The body is JSON, sent as application/json or as
    text/plain (what navigator.sendBeacon sends). A batch with any invalid event is refused
    whole (400, per-event errors in order, {} for valid ones) and nothing of it is stored.

    Identity: the signed visitor cookie, or the X-Visitor-Id header (a value the server
    signed, or a UUID the app generated at install). A token identifies the user. This
    endpoint does not authenticate sessions, so browsers need no CSRF token; a signed-in
    browser's events are attributed to its user for history only, and grant nothing.
    Consent, where required, is the consent cookie or the X-Tracking-Consent: granted header.
    """

    authentication_classes = [TokenAuthentication]
    permission_classes = [AllowAny]
    parser_classes = [BoundedJSONParser, BeaconParser]
    throttle_classes = [VisitorEventsThrottle, AddressEventsThrottle]

    def dispatch(self, request: HttpRequest, *args, **kwargs):
        # Read before DRF replaces request.user with the token user (or an anonymous one).
        self.session_user_id = user_id_of(request)
        return super().dispatch(request, *args, **kwargs)

    @extend_schema(
        operation_id="events_create",
        request=EventBatchInputSerializer,
        responses={
            202: EventBatchAcceptedSerializer,
            400: OpenApiResponse(
                EventBatchErrorSerializer, description="The batch was refused whole; nothing of it was stored."
            ),
            413: error_response(f"The body is over {MAX_BODY_BYTES // 1024} KB; nothing was stored."),
            429: error_response("Throttled per visitor and per address; retry after Retry-After seconds."),
        },
        examples=[
            OpenApiExample(
                "Impressions and a click from a product list",
                request_only=True,
                value={
                    "events": [
                        {
                            "uuid": "0b6f6a3e-4f5c-4b8e-9d2a-1c3e5f7a9b0d",
                            "type": "list_impression",
                            "timestamp": "2025-05-01T12:00:00Z",
                            "product": 42,
                            "path": "/c/cameras/",
                            "context": {"list_id": "category:cameras", "position": 3},
                        },
                        {
                            "uuid": "3c1d2e4f-5a6b-4c7d-8e9f-0a1b2c3d4e5f",
                            "type": "list_click",
                            "product": 42,
                            "context": {"list_id": "category:cameras", "position": 3},
                        },
                    ]
                },
            ),
            OpenApiExample(
                "Accepted",
                response_only=True,
                status_codes=["202"],
                value={"accepted": 2, "discarded": 0, "reason": "ok"},
            ),
            ERROR_EXAMPLE,
        ],
    )
    def post(self, request):
        data = request.data
        ids = product_ids_named(data)
        known = set(Product.objects.filter(pk__in=ids).values_list("pk", flat=True)) if ids else set()
        try:
            items = validate_batch(data, known_product_ids=known)
        except BatchInvalid as invalid:
            body = error_body("invalid", "The batch was refused; nothing of it was stored.", invalid.fields)
            return Response(body, status=status.HTTP_400_BAD_REQUEST)
        django_request = request._request
        decision = self._decision(request)
        if not decision:
            return Response({"accepted": 0, "discarded": len(items), "reason": decision.reason}, status=202)
        user_id = request.user.pk if request.user.is_authenticated else self.session_user_id
        visitor_id = getattr(django_request, "visitor_id", None) or ""
        if not visitor_id and user_id is None:
            return Response(
                error_body("no_visitor", "Send the visitor cookie, an X-Visitor-Id header or a token."), status=400
            )
        if request.user.is_authenticated:
            visitor_link_create(user=request.user, visitor_id=visitor_id)
        now = timezone.now()
        session = getattr(django_request, "session", None)
        session_key = (session.session_key or "") if session is not None else ""
        events = [
            TrackedEvent(
                uuid=item.uuid,
                type=item.type,
                # Undated events get the time of arrival, a microsecond apart, so their order survives.
                timestamp=item.timestamp or now + timedelta(microseconds=index),
                recorded_at=now,
                visitor_id=visitor_id,
                user_id=user_id,
                session_key=session_key,
                product_id=item.product_id,
                path=item.path,
                referrer=clean_referrer(item.referrer),
                context=item.context,
            )
            for index, item in enumerate(items)
        ]
        events_record(events=events)
        return Response({"accepted": len(events), "discarded": 0, "reason": "ok"}, status=status.HTTP_202_ACCEPTED)

    def _decision(self, request) -> Decision:
        decision = getattr(request._request, "tracking", ALLOWED)
        if decision and request.user.is_authenticated and not user_enabled_personalization(request.user.pk):
            return Decision(False, "opted_out")
        return decision


class MyPersonalizationView(APIView):
    """Whether the signed-in shopper's behaviour is recorded and used to personalize what they see."""

    authentication_classes = [TokenAuthentication, SessionAuthentication]
    permission_classes = [IsAuthenticated]

    @extend_schema(operation_id="me_personalization_retrieve", responses=PersonalizationSerializer)
    def get(self, request):
        return Response({"enabled": user_enabled_personalization(request.user.pk)})

    @extend_schema(
        operation_id="me_personalization_update",
        request=PersonalizationSerializer,
        responses=PersonalizationSerializer,
        examples=[OpenApiExample("Switch off", value={"enabled": False})],
    )
    def put(self, request):
        serializer = PersonalizationSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        preference = personalization_set(user=request.user, enabled=serializer.validated_data["enabled"])
        return Response({"enabled": preference.enabled})


class MyDataView(APIView):
    """The signed-in shopper's behavioural data: download it, or delete it everywhere."""

    authentication_classes = [TokenAuthentication, SessionAuthentication]
    permission_classes = [IsAuthenticated]

    @extend_schema(
        operation_id="me_data_retrieve",
        parameters=[OpenApiParameter("download", bool, description="Send as a file attachment.")],
        responses=BehaviourDataSerializer,
    )
    def get(self, request):
        response = Response(behaviour_data_export(user=request.user, visitor_id=request._request.visitor_id))
        if request.query_params.get("download"):
            response["Content-Disposition"] = 'attachment; filename="my-behaviour-data.json"'
        return response

    @extend_schema(
        operation_id="me_data_destroy",
        request=None,
        responses={200: BehaviourDataDeletedSerializer, 503: OpenApiResponse(description="Buffer busy, retry.")},
    )
    def delete(self, request):
        try:
            deleted = behaviour_data_delete(user=request.user, visitor_id=request._request.visitor_id)
        except buffer.BufferUnavailable:
            body = error_body("unavailable", "Your data could not be deleted right now; nothing was. Try again.")
            return Response(body, status=status.HTTP_503_SERVICE_UNAVAILABLE)
        return Response({"deleted": deleted})
