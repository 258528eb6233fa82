"""The one place where events from outside (the tracking script, the mobile app) are validated.

A batch is all or nothing: any invalid event refuses the whole batch, and the
error lists, per event in order, what is wrong ({} for the valid ones). Plain
Python rather than DRF serializers: a batch of 100 validates in about a
millisecond instead of twenty, which is most of the event endpoint's cost.
`serializers.py` documents the same shape for the OpenAPI schema.
"""

from __future__ import annotations

import json
import uuid
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from decimal import Decimal, InvalidOperation

from django.utils import timezone

from personalization.tracking.models import Event
from personalization.tracking.schema import CLIENT_TYPES, PRODUCT_TYPES, SERVER_ONLY_TYPES, unstorable_reason

T = Event.Type
MAX_EVENTS = 100
MAX_BODY_BYTES = 64 * 1024
MAX_CONTEXT_BYTES = 2048
MAX_CONTEXT_KEYS = 20
MAX_FUTURE = timedelta(minutes=5)
# An app may hold events while offline; older than this they are noise, not behaviour.
MAX_AGE = timedelta(days=7)
MAX_TEXT = 200
MAX_PATH = 500
EVENT_FIELDS = ("uuid", "type", "timestamp", "product", "path", "referrer", "context")

# Known context keys: numbers with their range, strings with their longest length.
CONTEXT_NUMBERS = {"position": (0, 10_000), "result_count": (0, 10_000_000), "seconds": (0, 86_400), "depth": (0, 100)}
WHOLE_NUMBERS = {"position", "result_count"}
CONTEXT_STRINGS = {
    "list_id": 64,
    "variant": 64,
    "query": MAX_TEXT,
    "corrected_query": MAX_TEXT,
    "slot": 64,
    "campaign": 64,
    "coupon": 64,
}
# Keys a type cannot do without.
REQUIRED_CONTEXT = {
    T.SEARCH: ("query",),
    T.LIST_IMPRESSION: ("list_id", "position"),
    T.LIST_CLICK: ("list_id", "position"),
    T.DWELL: ("seconds",),
    T.SCROLL: ("depth",),
}


@dataclass(frozen=True)
class ValidEvent:
    uuid: str
    type: str
    timestamp: datetime | None
    product_id: int | None
    path: str = ""
    referrer: str = ""
    context: dict = field(default_factory=dict)


class BatchInvalid(Exception):
    """`fields` is the error body's fields: {"events": [per-event errors]} or {"events": [messages]}."""

    def __init__(self, fields: dict):
        super().__init__(fields)
        self.fields = fields


MAX_PRODUCT_ID = 2**63 - 1


def product_ids_named(data) -> set[int]:
    """Every product id a batch names, so their existence is one query for the whole batch."""
    ids = set()
    events = data.get("events") if isinstance(data, dict) else None
    for item in events[: MAX_EVENTS + 1] if isinstance(events, list) else ():
        product = _as_int(item.get("product")) if isinstance(item, dict) else None
        # Ids a database column cannot hold are simply unknown; asking for them would overflow.
        if product is not None and 1 <= product <= MAX_PRODUCT_ID:
            ids.add(product)
    return ids


def validate_batch(data, *, known_product_ids: set[int]) -> list[ValidEvent]:
    if not isinstance(data, dict) or "events" not in data:
        raise BatchInvalid({"events": ['Send {"events": [...]}.']})
    items = data["events"]
    if not isinstance(items, list):
        raise BatchInvalid({"events": ["Must be a list of events."]})
    if not items:
        raise BatchInvalid({"events": ["Send at least one event."]})
    if len(items) > MAX_EVENTS:
        raise BatchInvalid({"events": [f"At most {MAX_EVENTS} events per batch; send the rest in another."]})
    now = timezone.now()
    valid, errors = [], []
    for item in items:
        event, problems = _validate_event(item, now=now, known_product_ids=known_product_ids)
        valid.append(event)
        errors.append(problems)
    if any(errors):
        raise BatchInvalid({"events": errors})
    return valid


def _validate_event(item, *, now: datetime, known_product_ids: set[int]) -> tuple[ValidEvent | None, dict]:
    if not isinstance(item, dict):
        return None, {"non_field_errors": ["Each event is a JSON object."]}
    errors: dict[str, list[str]] = {}

    def check(name: str, clean, *args):
        try:
            return clean(item.get(name), *args)
        except ValueError as error:
            errors[name] = list(error.args[0]) if isinstance(error.args[0], list) else [str(error)]
            return None

    event_uuid = check("uuid", _clean_uuid)
    kind = check("type", _clean_type)
    moment = check("timestamp", _clean_timestamp, now)
    product_id = check("product", _clean_product, known_product_ids)
    path = check("path", _clean_text, MAX_PATH)
    referrer = check("referrer", _clean_text, MAX_PATH)
    context = check("context", validate_context)
    if kind in PRODUCT_TYPES and product_id is None and "product" not in errors:
        errors["product"] = [f"Required for {kind} events."]
    missing = [key for key in REQUIRED_CONTEXT.get(kind, ()) if context is not None and key not in context]
    if missing:
        errors.setdefault("context", []).append(f"{kind} events need {', '.join(missing)}.")
    if errors:
        return None, errors
    return ValidEvent(event_uuid, kind, moment, product_id, path, referrer, context), {}


def _as_int(value) -> int | None:
    if isinstance(value, int) and not isinstance(value, bool):
        return value
    if isinstance(value, str) and value.isdigit():
        return int(value)
    return None


def _clean_uuid(value) -> str:
    if value is None:
        raise ValueError("This field is required.")
    try:
        return str(uuid.UUID(str(value)))
    except ValueError:
        raise ValueError("Must be a valid UUID.") from None


def _clean_type(value) -> str:
    if value is None:
        raise ValueError("This field is required.")
    if not isinstance(value, str):
        raise ValueError("Must be text: one of the event types.")
    if value in SERVER_ONLY_TYPES:
        raise ValueError(f"{value} events are recorded by the server and cannot be sent.")
    if value not in CLIENT_TYPES:
        raise ValueError(f"Unknown event type {value!r}.")
    return str(value)


def _clean_timestamp(value, now: datetime) -> datetime | None:
    if value is None:
        return None
    try:
        moment = datetime.fromisoformat(value)
    except (TypeError, ValueError):
        raise ValueError("Not an ISO 8601 date and time.") from None
    if timezone.is_naive(moment):
        raise ValueError("Include a timezone, e.g. 2025-05-01T12:00:00Z.")
    if moment > now + MAX_FUTURE:
        raise ValueError("More than 5 minutes in the future.")
    if moment < now - MAX_AGE:
        raise ValueError(f"Older than {MAX_AGE.days} days.")
    return moment


def _clean_product(value, known_product_ids: set[int]) -> int | None:
    if value is None:
        return None
    product_id = _as_int(value)
    if product_id is None or product_id < 1:
        raise ValueError("Must be a product id (a whole number).")
    if product_id not in known_product_ids:
        raise ValueError(f"No product with id {product_id}.")
    return product_id


def _clean_text(value, longest: int) -> str:
    if value is None:
        return ""
    if not isinstance(value, str):
        raise ValueError("Must be text.")
    if len(value) > longest:
        raise ValueError(f"At most {longest} characters.")
    if reason := unstorable_reason(value):
        raise ValueError(reason)
    return value


def validate_context(context) -> dict:
    if context is None:
        return {}
    if not isinstance(context, dict):
        raise ValueError("Must be a JSON object.")
    if len(context) > MAX_CONTEXT_KEYS:
        raise ValueError(f"At most {MAX_CONTEXT_KEYS} keys.")
    if len(json.dumps(context, separators=(",", ":"))) > MAX_CONTEXT_BYTES:
        raise ValueError(f"At most {MAX_CONTEXT_BYTES} bytes of JSON.")
    errors = []
    for key, value in context.items():
        if len(key) > 40:
            errors.append(f"{key[:40]}...: keys are at most 40 characters.")
        elif reason := unstorable_reason(key):
            errors.append(f"{key!r}: {reason}")
        elif isinstance(value, str) and (reason := unstorable_reason(value)):
            errors.append(f"{key}: {reason}")
        elif key in CONTEXT_NUMBERS:
            low, high = CONTEXT_NUMBERS[key]
            if isinstance(value, bool) or not isinstance(value, int | float) or not low <= value <= high:
                errors.append(f"{key}: must be a number from {low} to {high}.")
            elif key in WHOLE_NUMBERS and not isinstance(value, int):
                errors.append(f"{key}: must be a whole number.")
        elif key in CONTEXT_STRINGS:
            if not isinstance(value, str) or len(value) > CONTEXT_STRINGS[key]:
                errors.append(f"{key}: must be text of at most {CONTEXT_STRINGS[key]} characters.")
        elif value is not None and not isinstance(value, str | int | float | bool):
            errors.append(f"{key}: values are text, numbers, booleans or null; nothing nested.")
        elif isinstance(value, str) and len(value) > MAX_TEXT:
            errors.append(f"{key}: text values are at most {MAX_TEXT} characters.")
    if errors:
        raise ValueError(errors)
    return context


# An assistant turn (written by the server, never sent by a client): what the shopper asked for, as the
# assistant understood it. The constraints are the only nested value an event context holds.
ASSISTANT_TURN_STRINGS = {"intent": 30, "outcome": 30, "list_id": 64, "query": MAX_TEXT, "conversation": 64}
CONSTRAINT_STRINGS = ("category",)
CONSTRAINT_LISTS = ("brands", "exclude_brands", "keywords")
CONSTRAINT_PRICES = ("price_min", "price_max")


def validate_assistant_turn(context) -> dict:
    """The context of an `assistant_turn` event, checked; ValueError (a list of messages) when malformed."""
    if not isinstance(context, dict):
        raise ValueError(["Must be a JSON object."])
    errors = []
    for key in ("intent", "outcome"):
        if not context.get(key):
            errors.append(f"{key}: required.")
    for key, longest in ASSISTANT_TURN_STRINGS.items():
        value = context.get(key, "")
        if not isinstance(value, str) or len(value) > longest or unstorable_reason(value):
            errors.append(f"{key}: must be text of at most {longest} characters.")
    count = context.get("result_count", 0)
    if isinstance(count, bool) or not isinstance(count, int) or count < 0:
        errors.append("result_count: must be a whole number from 0.")
    errors.extend(_constraint_errors(context.get("constraints", {})))
    if unknown := sorted(set(context) - set(ASSISTANT_TURN_STRINGS) - {"result_count", "constraints", "language"}):
        errors.append(f"Unknown keys: {', '.join(unknown)}.")
    if errors:
        raise ValueError(errors)
    return context


def _constraint_errors(constraints) -> list[str]:
    if not isinstance(constraints, dict):
        return ["constraints: must be a JSON object."]
    errors = []
    known = {*CONSTRAINT_STRINGS, *CONSTRAINT_LISTS, *CONSTRAINT_PRICES, "attributes", "in_stock"}
    if unknown := sorted(set(constraints) - known):
        errors.append(f"constraints: unknown keys {', '.join(unknown)}.")
    for key in CONSTRAINT_STRINGS:
        if not isinstance(constraints.get(key, ""), str):
            errors.append(f"constraints.{key}: must be text.")
    for key in CONSTRAINT_LISTS:
        value = constraints.get(key, [])
        if not isinstance(value, list) or not all(isinstance(item, str) for item in value):
            errors.append(f"constraints.{key}: must be a list of text.")
    for key in CONSTRAINT_PRICES:
        value = constraints.get(key)
        try:
            if value is not None and (not isinstance(value, str) or Decimal(value) < 0):
                raise InvalidOperation
        except InvalidOperation:
            errors.append(f'constraints.{key}: must be an amount written as text, such as "19.99".')
    attributes = constraints.get("attributes", {})
    if not isinstance(attributes, dict) or not all(
        isinstance(value, str | int | float | bool) for value in attributes.values()
    ):
        errors.append("constraints.attributes: must map names to text, numbers or booleans.")
    if not isinstance(constraints.get("in_stock", False), bool):
        errors.append("constraints.in_stock: must be true or false.")
    return errors
