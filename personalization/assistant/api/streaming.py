"""The assistant's reply as Server-Sent Events: `start` (the conversation id), `delta` events with the reply's
text in chunks, then `done` with the whole turn (the same body as the JSON answer: cards, choices, order...).

The turn is complete and checked before the first byte is sent: the conversation, the cart, the ticket and
the turn's events are written while the view runs, so the tracking middleware sees them as for any request,
and a language model's answer is sent only after its facts were checked against the tools (llm.py), never
word by word as it is written. The stream is a plain generator (StreamingHttpResponse), which gunicorn's sync
workers send as it is produced; no middleware of the shop reads a response's content.
"""

from __future__ import annotations

import json
import re

from django.http import StreamingHttpResponse
from rest_framework.renderers import BaseRenderer
from rest_framework.utils.encoders import JSONEncoder

MEDIA_TYPE = "text/event-stream"
# A chunk: up to this many characters of a word (Chinese has no spaces, so a run of characters is cut too).
CHUNK_CHARS = 12
_CHUNK = re.compile(rf"\s*\S{{1,{CHUNK_CHARS}}}")
# One event of the stream, as OpenAPI describes a text/event-stream response; its `data` is a JSON text.
STREAM_EVENT_SCHEMA = {
    "type": "object",
    "properties": {
        "event": {"type": "string", "enum": ["start", "delta", "done", "error"]},
        "data": {
            "type": "string",
            "description": 'start: {"conversation": id}; delta: {"text": piece}; done: the JSON answer\'s body; '
            "error: the usual error body.",
        },
    },
    "required": ["event", "data"],
}


class EventStreamRenderer(BaseRenderer):
    """Lets a client ask with `Accept: text/event-stream`. Only errors are rendered here (a turn is streamed by
    `turn_stream`): one `error` event with the API's usual error body."""

    media_type = MEDIA_TYPE
    format = "sse"
    charset = "utf-8"

    def render(self, data, accepted_media_type=None, renderer_context=None) -> bytes:
        return event("error", data)


def event(name: str, data) -> bytes:
    # JSON on one line: a newline in the text is escaped, so it cannot end the event early.
    return f"event: {name}\ndata: {json.dumps(data, cls=JSONEncoder, ensure_ascii=False)}\n\n".encode()


def chunks(text: str) -> list[str]:
    """The text in pieces that join back to it exactly."""
    pieces = _CHUNK.findall(text)
    return pieces if "".join(pieces) == text else [text]


def turn_stream(turn: dict) -> StreamingHttpResponse:
    def events():
        yield event("start", {"conversation": turn["conversation"]})
        for piece in chunks(turn["reply"]["text"]):
            yield event("delta", {"text": piece})
        yield event("done", turn)

    response = StreamingHttpResponse(events(), content_type=f"{MEDIA_TYPE}; charset=utf-8")
    response["Cache-Control"] = "no-cache"
    response["X-Accel-Buffering"] = "no"  # a proxy in front (nginx) passes each event on at once
    return response
