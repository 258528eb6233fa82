"""A local endpoint that speaks the OpenAI chat-completions protocol from a script, for the LLM engine's tests.

Each POST takes the next step of the script: a message dict (`answer(...)`, `tool_call(...)`), or a function of
the request's JSON that returns one (to answer from what the tools returned). It records every request. Modes:
`slow` sends its answer one byte every 0.1 s (only a deadline on the whole exchange stops it), `error` answers
HTTP 500. `down_url()` is an address where nothing listens.
"""

from __future__ import annotations

import json
import socket
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


def answer(text: str) -> dict:
    return {"role": "assistant", "content": text}


def tool_call(name: str, call_id: str = "call_1", **arguments) -> dict:
    return {
        "role": "assistant",
        "content": None,
        "tool_calls": [
            {"id": call_id, "type": "function", "function": {"name": name, "arguments": json.dumps(arguments)}}
        ],
    }


def tool_results(request: dict) -> list[dict]:
    """The tool results the engine sent in this request, parsed."""
    return [json.loads(m["content"]) for m in request["messages"] if m["role"] == "tool"]


def down_url() -> str:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    return f"http://127.0.0.1:{port}/v1/chat/completions"


class FakeChatServer:
    def __init__(self, script=(), *, mode: str = "normal", tokens_per_answer: int = 50):
        self.script = list(script)
        self.mode = mode
        self.tokens_per_answer = tokens_per_answer
        self.requests: list[dict] = []
        self.released = threading.Event()  # ends a slow answer at teardown
        fake = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
                fake.requests.append({**body, "_authorization": self.headers.get("Authorization", "")})
                if fake.mode == "error" or not fake.script:
                    self.send_response(500)
                    self.end_headers()
                    return
                step = fake.script.pop(0)
                message = step(body) if callable(step) else step
                payload = json.dumps(
                    {
                        "id": f"chatcmpl-{len(fake.requests)}",
                        "object": "chat.completion",
                        "model": body.get("model"),
                        "choices": [
                            {
                                "index": 0,
                                "message": message,
                                "finish_reason": "tool_calls" if message.get("tool_calls") else "stop",
                            }
                        ],
                        "usage": {"prompt_tokens": 0, "completion_tokens": 0, "total_tokens": fake.tokens_per_answer},
                    }
                ).encode()
                self.send_response(200)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(payload)))
                self.end_headers()
                if fake.mode == "slow":
                    for byte in payload:
                        if fake.released.wait(0.1):
                            return
                        self.wfile.write(bytes([byte]))
                        self.wfile.flush()
                    return
                self.wfile.write(payload)

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/v1/chat/completions"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def close(self) -> None:
        self.released.set()
        self.server.shutdown()
        self.server.server_close()
