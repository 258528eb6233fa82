"""One JSON shape for every API error.

    {"error": {"code": "<machine_readable>", "message": "<for people>", "fields": {"<field>": ["..."]}}}

`fields` is present only for validation errors. Service errors (shop.exceptions.ShopError)
become 400 with their own code, so views can let them propagate.
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.http import Http404
from rest_framework import exceptions, status
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler

from shop.exceptions import ShopError


def error_body(code: str, message: str, fields: dict | None = None) -> dict:
    body = {"code": code, "message": message}
    if fields:
        body["fields"] = fields
    return {"error": body}


def _flatten(detail) -> dict:
    if isinstance(detail, dict):
        return {key: _messages(value) for key, value in detail.items()}
    return {"non_field_errors": _messages(detail)}


def _messages(value):
    if isinstance(value, list):
        if value and all(isinstance(item, dict) for item in value):
            return [_flatten(item) if item else {} for item in value]
        return [str(item) for item in value]
    if isinstance(value, dict):
        return _flatten(value)
    return [str(value)]


def api_exception_handler(exc, context):
    if isinstance(exc, ShopError):
        return Response(error_body(exc.code, exc.message), status=status.HTTP_400_BAD_REQUEST)
    if isinstance(exc, Http404):
        exc = exceptions.NotFound()
    elif isinstance(exc, PermissionDenied):
        exc = exceptions.PermissionDenied()
    response = drf_exception_handler(exc, context)
    if response is None:
        return None
    if isinstance(exc, exceptions.ValidationError):
        response.data = error_body("invalid", "The request has invalid fields.", _flatten(exc.detail))
    else:
        detail = exc.detail if isinstance(exc, exceptions.APIException) else str(exc)
        code = exc.get_codes() if isinstance(exc, exceptions.APIException) else "error"
        if isinstance(code, dict | list):
            code = getattr(exc, "default_code", "error")
        response.data = error_body(str(code), str(detail))
    return response
