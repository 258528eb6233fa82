"""The wire to an OpenAI-compatible chat-completions endpoint, and the circuit breaker in front of it.

One call is one POST of `{"model", "messages", "tools", "max_tokens"}`; its answer is the first choice's
message. Every call runs against a deadline: the connection gets at most ASSISTANT_LLM_CONNECT_TIMEOUT, and
the whole exchange (sending, waiting, every byte of the answer) at most what is left of the turn's
ASSISTANT_LLM_TIMEOUT, so an endpoint that trickles its answer is cut off like one that never answers.
The stdlib's http.client is enough for one JSON POST and lets the deadline cover each socket read.

After FAILURES_TO_OPEN failures within FAILURE_WINDOW seconds the breaker opens for OPEN_SECONDS: the
assistant then answers offline at once, without trying the endpoint. The count lives in this process and in
the shared cache (all processes learn of an outage); with the cache down (it fails open) the process's own
count still opens it.
"""

from __future__ import annotations

import http.client
import json
import logging
import threading
import time
from collections import deque
from dataclasses import dataclass
from urllib.parse import urlsplit

from django.conf import settings
from django.core.cache import cache

logger = logging.getLogger(__name__)

MAX_RESPONSE_BYTES = 1_000_000
FAILURES_TO_OPEN = 3
FAILURE_WINDOW = 60.0  # seconds
OPEN_SECONDS = 30.0
_FAILURES_KEY = "assistant:llm:failures"
_OPEN_KEY = "assistant:llm:open"


class EngineUnavailable(Exception):
    """The endpoint did not give a usable answer in time: the offline engine answers instead."""


@dataclass(frozen=True)
class Endpoint:
    url: str
    model: str
    api_key: str
    timeout: float  # seconds for the whole turn, every round of it
    connect_timeout: float

    @property
    def host(self) -> str:
        return urlsplit(self.url).hostname or ""


def endpoint() -> Endpoint | None:
    """The configured engine, or None when the shop runs offline (no URL or no model set)."""
    url = (getattr(settings, "ASSISTANT_LLM_URL", "") or "").strip()
    model = (getattr(settings, "ASSISTANT_LLM_MODEL", "") or "").strip()
    if not url or not model:
        return None
    if not url.rstrip("/").endswith("/chat/completions"):
        url = url.rstrip("/") + "/chat/completions"
    timeout = float(getattr(settings, "ASSISTANT_LLM_TIMEOUT", 8.0))
    return Endpoint(
        url=url,
        model=model,
        api_key=getattr(settings, "ASSISTANT_LLM_API_KEY", "") or "",
        timeout=timeout,
        connect_timeout=min(float(getattr(settings, "ASSISTANT_LLM_CONNECT_TIMEOUT", 2.0)), timeout),
    )


def chat_completion(
    target: Endpoint,
    *,
    messages: list[dict],
    tools: list[dict],
    deadline: float,
    max_tokens: int,
    tool_choice: str = "auto",
) -> dict:
    """One round: the endpoint's whole JSON answer (with `choices[0].message`); EngineUnavailable otherwise."""
    body = json.dumps(
        {
            "model": target.model,
            "messages": messages,
            "tools": tools,
            "tool_choice": tool_choice,
            "max_tokens": max_tokens,
            "temperature": 0,
        },
        ensure_ascii=False,
    ).encode()
    parts = urlsplit(target.url)
    headers = {"Content-Type": "application/json", "Accept": "application/json"}
    if target.api_key:
        headers["Authorization"] = f"Bearer {target.api_key}"
    connection_class = http.client.HTTPSConnection if parts.scheme == "https" else http.client.HTTPConnection
    connection = connection_class(parts.hostname, parts.port, timeout=_left(deadline, cap=target.connect_timeout))
    try:
        connection.connect()
        sock = connection.sock  # kept: the connection forgets it once an answer that closes it is read
        sock.settimeout(_left(deadline))
        path = parts.path + (f"?{parts.query}" if parts.query else "")
        connection.request("POST", path, body=body, headers=headers)
        response = connection.getresponse()
        raw = bytearray()
        while chunk := response.read1(65536):
            raw += chunk
            if len(raw) > MAX_RESPONSE_BYTES:
                raise EngineUnavailable("The answer is too large.")
            sock.settimeout(_left(deadline))
        if response.status != 200:
            raise EngineUnavailable(f"HTTP {response.status}")
        answer = json.loads(raw)
        message = answer["choices"][0]["message"]
        if not isinstance(message, dict):
            raise EngineUnavailable("No message in the answer.")
        return answer
    except EngineUnavailable:
        raise
    except (OSError, http.client.HTTPException, ValueError, KeyError, IndexError, TypeError) as error:
        raise EngineUnavailable(f"{type(error).__name__}: {error}") from error
    finally:
        connection.close()


def _left(deadline: float, *, cap: float | None = None) -> float:
    left = deadline - time.monotonic()
    if left <= 0:
        raise EngineUnavailable("Out of time.")
    return min(left, cap) if cap is not None else left


class CircuitBreaker:
    def __init__(self):
        self._lock = threading.Lock()
        self._failures: deque[float] = deque()
        self._open_until = 0.0

    def allows(self) -> bool:
        if self._open_until > time.monotonic():
            return False
        return not cache.get(_OPEN_KEY)

    def failed(self) -> None:
        now = time.monotonic()
        with self._lock:
            self._failures.append(now)
            while self._failures and self._failures[0] < now - FAILURE_WINDOW:
                self._failures.popleft()
            if len(self._failures) >= FAILURES_TO_OPEN:
                self._open_until = now + OPEN_SECONDS
                self._failures.clear()
        cache.add(_FAILURES_KEY, 0, FAILURE_WINDOW)
        try:
            shared = cache.incr(_FAILURES_KEY)
        except ValueError:  # the cache is down (fails open) or the key just expired: this process counts alone
            shared = 0
        if shared >= FAILURES_TO_OPEN or self._open_until > now:
            cache.set(_OPEN_KEY, 1, OPEN_SECONDS)
            cache.delete(_FAILURES_KEY)
            logger.warning("The assistant's language-model endpoint failed %s times; offline for %.0f s.",
                           FAILURES_TO_OPEN, OPEN_SECONDS)  # fmt: skip

    def succeeded(self) -> None:
        with self._lock:
            self._failures.clear()
        if self._open_until:
            self._open_until = 0.0
        cache.delete(_FAILURES_KEY)

    def reset(self) -> None:
        """Closed, with no failures counted (tests, and an admin who fixed the endpoint)."""
        with self._lock:
            self._failures.clear()
            self._open_until = 0.0
        cache.delete_many([_FAILURES_KEY, _OPEN_KEY])


breaker = CircuitBreaker()
