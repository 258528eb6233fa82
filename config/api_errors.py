"""One JSON shape for every API error, the handler that produces it and the schema that documents it.

    {"error": {"code": "<machine_readable>", "message": "<for people>", "fields": {"<field>": ["..."]}}}

`fields` is present only for validation errors; nested fields are flattened to dotted
paths ("address.city", "brand.0") so a client can always map a key to a list of messages.
Service errors (shop.exceptions.ShopError) become 400 with their own code (409 for those
that describe a conflict with the current state), so views can let them propagate.

Wiring: REST_FRAMEWORK["EXCEPTION_HANDLER"] = api_exception_handler and
REST_FRAMEWORK["DEFAULT_SCHEMA_CLASS"] = ErrorDocumentingAutoSchema. `json_not_found` and
`json_server_error` serve the same shape for URLs no API view matched, when a root URLconf
sets them as handler404 / handler500; for every other URL they serve the shop's own
templates/404.html and templates/500.html. With DEBUG on, Django answers an unmatched URL with
its technical page before any handler runs, so ApiNotFoundMiddleware gives /api/ its JSON 404
whatever DEBUG says.
"""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseServerError, JsonResponse
from django.template import loader
from django.utils.translation import gettext as _
from django.views import defaults
from drf_spectacular.openapi import AutoSchema
from drf_spectacular.utils import OpenApiResponse
from rest_framework import exceptions, permissions, serializers, status
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler

from shop.exceptions import IdempotencyConflict, IllegalTransition, ReviewExists, ShopError

API_PREFIX = "/api/"

# A ShopError is the client's to fix (400) unless it says the resource is in another state (409).
SHOP_ERROR_STATUS: dict[type[ShopError], int] = {
    IdempotencyConflict: status.HTTP_409_CONFLICT,
    IllegalTransition: status.HTTP_409_CONFLICT,
    ReviewExists: status.HTTP_409_CONFLICT,
}


def error_body(code: str, message: str, fields: dict | None = None) -> dict:
    body = {"code": code, "message": message}
    if fields:
        body["fields"] = fields
    return {"error": body}


def flatten_fields(detail, prefix: str = "") -> dict[str, list[str]]:
    """DRF's nested error detail as {"dotted.path": ["message", ...]}."""
    if isinstance(detail, dict):
        flat: dict[str, list[str]] = {}
        for key, value in detail.items():
            key = str(key)
            path = prefix if key == "non_field_errors" and prefix else f"{prefix}.{key}" if prefix else key
            for sub_path, messages in flatten_fields(value, path).items():
                flat.setdefault(sub_path, []).extend(messages)
        return flat
    if isinstance(detail, list) and any(isinstance(item, dict | list) for item in detail):
        flat = {}
        for index, item in enumerate(detail):
            if item:
                for sub_path, messages in flatten_fields(item, f"{prefix}.{index}" if prefix else str(index)).items():
                    flat.setdefault(sub_path, []).extend(messages)
        return flat
    messages = detail if isinstance(detail, list) else [detail]
    return {prefix or "non_field_errors": [str(message) for message in messages]}


def shop_error_response(exc: ShopError) -> Response:
    code = next((code for cls, code in SHOP_ERROR_STATUS.items() if isinstance(exc, cls)), status.HTTP_400_BAD_REQUEST)
    return Response(error_body(exc.code, exc.message), status=code)


def api_exception_handler(exc, context):
    if isinstance(exc, ShopError):
        return shop_error_response(exc)
    if isinstance(exc, Http404):
        exc = exceptions.NotFound()
    elif isinstance(exc, PermissionDenied):
        exc = exceptions.PermissionDenied()
    response = drf_exception_handler(exc, context)
    if response is None:
        return None
    if isinstance(exc, exceptions.ValidationError):
        response.data = error_body("invalid", _("The request has invalid fields."), flatten_fields(exc.detail))
    else:
        detail = exc.detail if isinstance(exc, exceptions.APIException) else str(exc)
        code = exc.get_codes() if isinstance(exc, exceptions.APIException) else "error"
        if isinstance(code, dict | list):
            code = getattr(exc, "default_code", "error")
        response.data = error_body(str(code), str(detail))
    return response


def json_not_found(request, exception=None):
    if request.path.startswith(API_PREFIX):
        return api_not_found()
    return defaults.page_not_found(request, exception)


def api_not_found() -> JsonResponse:
    return JsonResponse(error_body("not_found", _("Not found.")), status=status.HTTP_404_NOT_FOUND)


def json_server_error(request):
    if request.path.startswith(API_PREFIX):
        return JsonResponse(
            error_body("server_error", _("Something went wrong on our side; please try again.")),
            status=status.HTTP_500_INTERNAL_SERVER_ERROR,
        )
    return shop_server_error(request)


def shop_server_error(request: HttpRequest) -> HttpResponse:
    """The shop's own 500 page, rendered without context processors or queries: the database may be the cause."""
    template = loader.get_template(defaults.ERROR_500_TEMPLATE_NAME)
    return HttpResponseServerError(template.render({"shop_name": settings.SHOP_NAME}))


class ApiNotFoundMiddleware:
    """Any 404 under /api/ that is not already JSON (an unmatched URL, Django's debug page) becomes the API's shape."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if (
            response.status_code == status.HTTP_404_NOT_FOUND
            and request.path.startswith(API_PREFIX)
            and not response.get("Content-Type", "").startswith("application/json")
        ):
            return api_not_found()
        return response


class ErrorDetailSerializer(serializers.Serializer):
    code = serializers.CharField(help_text="Machine-readable; stable across releases.")
    message = serializers.CharField(help_text="For people; may change.")
    fields = serializers.DictField(
        child=serializers.ListField(child=serializers.CharField()),
        required=False,
        help_text='Only for validation errors: messages per field, nested fields as dotted paths ("address.city").',
    )


class ErrorSerializer(serializers.Serializer):
    error = ErrorDetailSerializer()

    class Meta:
        ref_name = "Error"


def error_response(description: str) -> OpenApiResponse:
    return OpenApiResponse(response=ErrorSerializer, description=description)


class ErrorDocumentingAutoSchema(AutoSchema):
    """Adds the error responses every operation can give, unless the view documents its own.

    401 (bad or missing credentials) and 429 (throttled) can happen anywhere; 403 where a
    permission applies or a session's CSRF check does; 400 and 415 where there is a body;
    404 where the path names an object or a page number can run past the end.
    """

    def _get_response_bodies(self, direction="response"):
        responses = super()._get_response_bodies(direction)
        if direction != "response":
            return responses
        for code, description in self._possible_errors():
            if code not in responses:
                responses[code] = self._get_response_for_code(error_response(description), code, direction=direction)
        return responses

    def _possible_errors(self) -> list[tuple[str, str]]:
        has_body = self.method in ("POST", "PUT", "PATCH")
        permission_classes = [type(p) for p in self.view.get_permissions()]
        restricted = any(cls is not permissions.AllowAny for cls in permission_classes)
        errors = []
        if has_body:
            errors.append(("400", "Invalid input; `fields` says which."))
        errors.append(("401", "Credentials are missing or invalid."))
        if restricted or has_body or self.method == "DELETE":
            errors.append(("403", "Not allowed (or the session's CSRF token is missing)."))
        if "{" in self.path or (self._is_list_view() and self._get_paginator() is not None):
            errors.append(("404", "Not found, or not yours."))
        if has_body:
            errors.append(("415", "The body must be JSON."))
        errors.append(("429", "Too many requests; retry after the number of seconds in Retry-After."))
        return errors
