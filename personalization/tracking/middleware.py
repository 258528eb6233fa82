"""Two middleware, after AuthenticationMiddleware:

VisitorIdMiddleware gives every visitor a first-party id: it unsigns the cookie (or the app's
header) once per request and leaves the id on the request for personalization.shopper
(request.visitor_id, and request.visitor_returning when the request carried a valid one);
TrackingMiddleware decides whether the request may be recorded (request.tracking)
and records one event per page view server-side: what the shop's signals said the
page was (a product view, a search, a checkout start; see receivers.py), or a plain
page view by route, plus whatever else the signals reported while the view ran.
"""

from __future__ import annotations

from django.conf import settings
from django.http import HttpRequest, HttpResponse

from personalization.tracking.capture import (
    current_request,
    described_page_event,
    event_from_request,
    write_pending,
)
from personalization.tracking.identity import (
    VISITOR_COOKIE,
    VISITOR_HEADER,
    new_visitor_id,
    set_visitor_cookie,
    visitor_id_from_request,
)
from personalization.tracking.models import Event
from personalization.tracking.policy import Decision, consent_missing, decide, too_many_page_views

EXCLUDED = Decision(False, "excluded")
PAGE_METHODS = {"GET", "HEAD"}


def _untracked_prefixes() -> tuple[str, ...]:
    return (
        "/" + settings.STATIC_URL.lstrip("/"),
        "/" + settings.MEDIA_URL.lstrip("/"),
        "/admin/",
        "/healthz",
        "/favicon.ico",
        "/robots.txt",
    )


class VisitorIdMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response
        self.untracked = _untracked_prefixes()

    def __call__(self, request: HttpRequest) -> HttpResponse:
        visitor_id = visitor_id_from_request(request)
        request.visitor_id = visitor_id
        request.visitor_returning = visitor_id is not None
        if request.path.startswith(self.untracked):
            return self.get_response(request)
        # No id without consent where consent is required. Apps identify by header or token: a bad
        # header, or a token without a header, gets no cookie (it could not keep one anyway).
        issue = (
            visitor_id is None
            and VISITOR_HEADER not in request.META
            and "HTTP_AUTHORIZATION" not in request.META
            and not consent_missing(request)
        )
        if issue:
            visitor_id = request.visitor_id = new_visitor_id()
        # The session's user, read before an API view replaces request.user with its own.
        session_user = getattr(request, "user", None)
        response = self.get_response(request)
        if getattr(request, "_tracking_rotate_visitor", False):
            # Signed out: the next person on this browser must not inherit the previous user's history.
            set_visitor_cookie(response, new_visitor_id())
        elif issue:
            set_visitor_cookie(response, visitor_id)
            from personalization.tracking.services import visitor_link_create

            visitor_link_create(user=session_user, visitor_id=visitor_id)
        elif VISITOR_COOKIE in request.COOKIES and consent_missing(request):
            response.delete_cookie(VISITOR_COOKIE, samesite="Lax")
        return response


class TrackingMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response
        self.untracked = _untracked_prefixes()
        self.no_page_views = self.untracked + ("/api/",)

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.path.startswith(self.untracked):
            request.tracking = EXCLUDED
            return self.get_response(request)
        request.tracking = decide(request)
        request._tracking_pending = []
        token = current_request.set(request)
        try:
            response = self.get_response(request)
        finally:
            current_request.reset(token)
        is_page_view = request.tracking and self._is_page_view(request, response)
        if request.tracking and not is_page_view and self._is_described_api_call(request, response):
            # An API call the shop described (a search from the mobile app): its own event, not a page view.
            described = described_page_event(request)
            request._tracking_pending.insert(
                0,
                event_from_request(
                    request, type=described.type, product_id=described.product_id, context=described.context
                ),
            )
        if is_page_view or request._tracking_pending:
            # Django runs resource closers after the body has been sent, before request_finished.
            response._resource_closers.append(lambda: self._record(request, is_page_view))
        return response

    def _is_page_view(self, request: HttpRequest, response: HttpResponse) -> bool:
        return (
            request.method in PAGE_METHODS
            and response.status_code == 200
            and request.resolver_match is not None
            and not request.path.startswith(self.no_page_views)
            and response.get("Content-Type", "").startswith("text/html")
        )

    @staticmethod
    def _is_described_api_call(request: HttpRequest, response: HttpResponse) -> bool:
        return (
            request.method in PAGE_METHODS
            and response.status_code == 200
            and request.path.startswith("/api/")
            and described_page_event(request) is not None
        )

    def _record(self, request: HttpRequest, is_page_view: bool) -> None:
        events = list(request._tracking_pending)
        if is_page_view and not too_many_page_views(request, visitor_id=request.visitor_id):
            events.insert(0, page_event(request))
        if events:
            write_pending(events)


def page_event(request: HttpRequest):
    """One event per page: as the shop's signal described it, or a plain page view of its route."""
    described = described_page_event(request)
    if described is not None:
        return event_from_request(
            request, type=described.type, product_id=described.product_id, context=described.context
        )
    return event_from_request(request, type=Event.Type.PAGE_VIEW, context={"route": request.resolver_match.view_name})
