"""Request body parsers of the event endpoint: JSON, also when sent as text/plain by navigator.sendBeacon.

sendBeacon with a string body sends `text/plain;charset=UTF-8`; a JSON content
type would make the browser send a CORS preflight, which beacons cannot do.
Both parsers stop reading at MAX_BODY_BYTES, so a huge body costs nothing.
"""

from __future__ import annotations

import json

from rest_framework import status
from rest_framework.exceptions import APIException, ParseError
from rest_framework.parsers import JSONParser

from personalization.tracking.validation import MAX_BODY_BYTES


class PayloadTooLarge(APIException):
    status_code = status.HTTP_413_REQUEST_ENTITY_TOO_LARGE
    default_detail = f"The body is larger than {MAX_BODY_BYTES // 1024} KB; send fewer events per batch."
    default_code = "payload_too_large"


class BoundedJSONParser(JSONParser):
    media_type = "application/json"

    def parse(self, stream, media_type=None, parser_context=None):
        body = stream.read(MAX_BODY_BYTES + 1) if stream is not None else b""
        if len(body) > MAX_BODY_BYTES:
            raise PayloadTooLarge()
        try:
            return json.loads(body.decode("utf-8"))
        except (UnicodeDecodeError, ValueError) as exc:
            raise ParseError(f"The body is not valid JSON: {exc}") from None


class BeaconParser(BoundedJSONParser):
    media_type = "text/plain"
