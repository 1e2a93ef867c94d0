"""A small OpenAI-compatible chat-completions server on 127.0.0.1, with switchable faults.

The project's HTTP tests and benchmarks need a real server behind litellm's real HTTP path (httpx, the OpenAI
SDK, litellm's exception mapping), not a mock: only then do retries, timeouts, Retry-After and image transport
get tested as a user's run exercises them. stdlib `ThreadingHTTPServer` (one thread per connection) is enough:
it sustains 32 overlapping requests at 300 ms each (tests/models/test_localserver.py measures it) and needs no
dependency. It answers with the reference model unless another reply function is injected.

    python -m tests.support.localserver --port 8000 --latency 0.3
"""

from __future__ import annotations

import argparse
import base64
import contextlib
import itertools
import json
import math
import random
import threading
import time
import zlib
from collections import deque
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, Literal

ReplyFn = Callable[[list[dict[str, Any]]], str]
KEEP_REQUESTS = 10_000
"""Request bodies kept for assertions; a long-running standalone server forgets older ones."""
FaultKind = Literal[
    "none", "rate_limit", "server_error", "bad_request", "unauthorized", "slow", "malformed", "empty",
    "overloaded", "not_json", "bad_utf8", "surrogate", "huge", "hostile_error", "hostile_reply", "mix",
    "reflect", "reflect_error", "gzip_bomb", "chunked_huge", "truncated", "bad_usage",
]
"""`overloaded`: Anthropic's 529; `not_json`: a 200 whose body is not JSON; `bad_utf8`: a 200 whose content
holds invalid UTF-8 bytes; `surrogate`: a reply with a lone surrogate escape (`"\\ud800"`); `huge`: a reply of
`size` characters; `hostile_error` / `hostile_reply`: ANSI CSI/OSC sequences and BEL in an error message / a
reply; `mix`: each request draws one of `MIX` (seeded by `seed`), for soak tests; `reflect` / `reflect_error`: a
reply / a 500 error that echoes the request's headers (a debugging proxy that leaks the `Authorization` key);
`gzip_bomb`: a gzip-encoded reply of `size` characters once decompressed (a few KB on the wire);
`chunked_huge`: a reply of `size` characters sent chunked, without Content-Length; `truncated`: a reply whose
body stops halfway through its Content-Length (the connection closed); `bad_usage`: a reply whose usage block
is not token counts."""
MIX: tuple[tuple[FaultKind, float], ...] = (
    ("none", 0.55), ("rate_limit", 0.1), ("server_error", 0.08), ("overloaded", 0.08), ("slow", 0.05),
    ("malformed", 0.07), ("empty", 0.07),
)
"""The `mix` fault's draw: kind and weight (429s carry Retry-After; `slow` outlasts a short call timeout)."""
HOSTILE = "\x1b[2J\x1b[H\x1b]0;pwned\x07\x1b]8;;http://evil.example/\x1b\\click\x1b]8;;\x1b\\\x07\x9b31m"
"""Clear screen, cursor home, window title, an OSC-8 hyperlink, BEL and a C1 CSI: what a terminal must not get."""


@dataclass(frozen=True)
class Fault:
    """What the server does wrong, and for how many requests.

    `count=None` applies the fault to every request; `count=N` to the next N requests only (then the server
    answers normally), which is how "fail the first N requests" is expressed. `retry_after_s` and
    `retry_after_ms` set the headers of a 429; `delay_s` is the stall of a `slow` fault.
    """

    kind: FaultKind = "none"
    count: int | None = None
    retry_after_s: float | None = None
    retry_after_ms: int | None = None
    delay_s: float = 30.0
    size: int = 1_000_000
    seed: int = 0

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> Fault:
        return cls(
            **{
                k: data[k]
                for k in ("kind", "count", "retry_after_s", "retry_after_ms", "delay_s", "size", "seed")
                if k in data
            }
        )


@dataclass(frozen=True)
class ReceivedRequest:
    """One request as the server saw it: what tests assert on (bodies, headers, arrival time)."""

    path: str
    headers: dict[str, str]
    body: Any
    arrived_s: float
    fault: FaultKind


@dataclass
class _State:
    """Mutable server state shared by the handler threads, guarded by `lock`."""

    reply: ReplyFn | None
    latency_s: float
    fault: Fault = field(default_factory=Fault)
    fault_left: int | None = None
    requests: deque[ReceivedRequest] = field(default_factory=lambda: deque(maxlen=KEEP_REQUESTS))
    received: int = 0
    lock: threading.Lock = field(default_factory=threading.Lock)
    stopping: threading.Event = field(default_factory=threading.Event)
    ids: itertools.count = field(default_factory=itertools.count)
    draw: random.Random = field(default_factory=random.Random)
    bucket: TokenBucket | None = None
    refused: int = 0
    """Requests the token bucket turned away with 429."""
    in_flight: int = 0
    peak_in_flight: int = 0
    """The most chat requests held at once: how tests see overlap without timing anything."""
    validate: bool = False
    """Check every chat request as a real server does (`check_request`) and answer 400 to a bad one."""


@dataclass
class TokenBucket:
    """Admission at `rate` requests per second with bursts of `burst`: a request that finds no token gets 429
    and the wait until the next one as Retry-After (a provider's requests-per-second limit)."""

    rate: float
    burst: float
    tokens: float = 0.0
    at: float = field(default_factory=time.monotonic)

    def __post_init__(self) -> None:
        if self.rate <= 0 or self.burst < 1:
            raise ValueError(f"a token bucket needs rate > 0 and burst >= 1, not {self.rate} and {self.burst}")
        self.tokens = self.burst

    def take(self, now: float) -> float:
        """0.0 when a token was taken, else the seconds until one is due."""
        self.tokens = min(self.burst, self.tokens + (now - self.at) * self.rate)
        self.at = now
        if self.tokens >= 1.0:
            self.tokens -= 1.0
            return 0.0
        return (1.0 - self.tokens) / self.rate


ROLES = frozenset({"system", "developer", "user", "assistant", "tool"})


def check_request(body: Any) -> str | None:
    """What a real server would refuse in a chat request, or None: every message's role and content parts
    checked, and every image decoded from its base64 data URI to a PNG or JPEG (the CPU a real server spends
    on each request body before the model sees it)."""
    if not isinstance(body, dict) or not isinstance(body.get("messages"), list) or not body["messages"]:
        return "body must be JSON with a non-empty 'messages' list"
    if not isinstance(body.get("model"), str):
        return "'model' must be a string"
    for message in body["messages"]:
        if not isinstance(message, dict) or message.get("role") not in ROLES:
            return f"bad message (role must be one of {sorted(ROLES)})"
        content = message.get("content")
        for part in [{"type": "text", "text": content}] if isinstance(content, str) else content or [None]:
            if problem := _check_part(part):
                return problem
    return None


def _check_part(part: Any) -> str | None:
    if not isinstance(part, dict):
        return "a content part must be an object"
    if part.get("type") == "text":
        return None if isinstance(part.get("text"), str) else "a text part needs a string 'text'"
    if part.get("type") != "image_url":
        return f"unknown content part type {part.get('type')!r}"
    image = part.get("image_url")
    url = image.get("url") if isinstance(image, dict) else image
    head, _, data = str(url).partition(",")
    if not head.startswith("data:image/") or not head.endswith(";base64"):
        return "an image_url must be a base64 data URI"
    try:
        raw = base64.b64decode(data, validate=True)
    except ValueError:
        return "an image's base64 does not decode"
    return None if raw.startswith((b"\x89PNG\r\n\x1a\n", b"\xff\xd8")) else "an image is neither PNG nor JPEG"


def _reference_reply(messages: list[dict[str, Any]]) -> str:
    from pytest_restgate.fixtures.models.reference import reference_reply  # lazy: OCR engine import is slow

    return reference_reply(messages)


def _approx_tokens(messages: Sequence[Mapping[str, Any]]) -> int:
    """A deterministic usage figure: 1 token per 4 characters of text, 85 per image (OpenAI's low detail)."""
    chars, images = 0, 0
    for message in messages:
        content = message.get("content")
        parts = [{"type": "text", "text": content}] if isinstance(content, str) else (content or [])
        for part in parts:
            if part.get("type") == "image_url":
                images += 1
            else:
                chars += len(str(part.get("text", "")))
    return chars // 4 + 85 * images + 1


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"  # keep-alive: httpx reuses connections, as with a real provider
    disable_nagle_algorithm = True  # else headers and body, written apart, wait out a 40 ms delayed ACK
    server: _Server

    def log_message(self, format: str, *args: Any) -> None:
        return  # quiet: tests and benchmarks read counters, not logs

    def _send(self, status: int, body: bytes, headers: Mapping[str, str] | None = None) -> None:
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        for key, value in (headers or {}).items():
            self.send_header(key, value)
        self.end_headers()
        self.wfile.write(body)

    def _send_big(self, fault: Fault, body: Any, request_no: int, prompt_tokens: int) -> None:
        """A reply far over any sane cap: gzip-compressed (a bomb), or chunked with no Content-Length."""
        if fault.kind == "gzip_bomb":
            self._send(200, _gzip_bomb(fault.size), {"Content-Encoding": "gzip"})
            return
        payload = json.dumps(_completion(body, "x" * fault.size, request_no, prompt_tokens, 1, cap_output=False))
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Transfer-Encoding", "chunked")
        self.end_headers()
        data = payload.encode()
        with contextlib.suppress(ConnectionError):  # the client stops reading at its cap
            for start in range(0, len(data), 65536):
                piece = data[start:start + 65536]
                self.wfile.write(b"%x\r\n%s\r\n" % (len(piece), piece))
            self.wfile.write(b"0\r\n\r\n")
        self.close_connection = True

    def _send_json(self, status: int, payload: Any, headers: Mapping[str, str] | None = None) -> None:
        self._send(status, json.dumps(payload).encode(), headers)

    def _error(self, status: int, message: str, kind: str, headers: Mapping[str, str] | None = None) -> None:
        self._send_json(status, {"error": {"message": message, "type": kind, "code": status}}, headers)

    def do_GET(self) -> None:
        state = self.server.state
        if self.path.rstrip("/").endswith("/models"):
            self._send_json(200, {"object": "list", "data": [{"id": "reference", "object": "model"}]})
        elif self.path == "/control/stats":
            with state.lock:
                stats = {
                    "requests": state.received,
                    "fault": state.fault.kind,
                    "fault_left": state.fault_left,
                }
            self._send_json(200, stats)
        else:
            self._error(404, f"no route {self.path}", "not_found")

    def do_POST(self) -> None:
        state = self.server.state
        raw = self.rfile.read(int(self.headers.get("Content-Length") or 0))
        if self.path == "/control/fault":
            self.server.set_fault(Fault.from_json(json.loads(raw or b"{}")))
            self._send_json(200, {"ok": True})
            return
        if self.path == "/control/latency":
            state.latency_s = float(json.loads(raw or b"{}").get("latency_s", 0.0))
            self._send_json(200, {"ok": True, "latency_s": state.latency_s})
            return
        anthropic = self.path.rstrip("/").endswith("/messages") and not self.path.endswith("/chat/messages")
        if not self.path.rstrip("/").endswith("/chat/completions") and not anthropic:
            self._error(404, f"no route {self.path}", "not_found")
            return
        try:
            body: Any = json.loads(raw)
        except ValueError:
            body = raw
        if state.validate and (problem := check_request(body)) is not None:
            self._error(400, problem, "invalid_request_error")
            return
        with state.lock:
            fault = state.fault
            wait = state.bucket.take(time.monotonic()) if state.bucket is not None else 0.0
            if wait > 0:
                state.refused += 1
                fault = Fault("rate_limit", retry_after_s=round(wait, 3), retry_after_ms=max(1, math.ceil(wait * 1000)))
            if fault.kind != "none" and state.fault_left is not None:
                if state.fault_left <= 0:
                    fault = Fault()
                else:
                    state.fault_left -= 1
            if fault.kind == "mix":
                kinds, weights = zip(*MIX, strict=True)
                fault = Fault(state.draw.choices(kinds, weights)[0], retry_after_s=0.05, delay_s=fault.delay_s)
            state.received += 1
            state.requests.append(
                ReceivedRequest(
                    self.path,
                    {k.lower(): v for k, v in self.headers.items()},
                    body,
                    time.monotonic(),
                    fault.kind,
                )
            )
            request_no = next(state.ids)
            state.in_flight += 1
            state.peak_in_flight = max(state.peak_in_flight, state.in_flight)
        try:
            if state.latency_s > 0 and wait == 0:  # a refusal comes back at once
                state.stopping.wait(state.latency_s)
            self._answer(fault, body, request_no, anthropic)
        finally:
            with state.lock:
                state.in_flight -= 1

    def _answer(self, fault: Fault, body: Any, request_no: int, anthropic: bool = False) -> None:
        state = self.server.state
        if fault.kind == "overloaded":
            self._send_json(529, {"type": "error", "error": {"type": "overloaded_error", "message": "Overloaded"}})
            return
        if fault.kind == "hostile_error":
            self._error(500, f"upstream failed {HOSTILE} (local test server)", "server_error")
            return
        if fault.kind == "reflect_error":
            self._error(500, f"upstream rejected headers {dict(self.headers.items())} (local test server)",
                        "server_error")
            return
        if fault.kind == "not_json":
            self._send(200, b"<html><body>502 Bad Gateway</body></html>")
            return
        if fault.kind == "rate_limit":
            headers = {}
            if fault.retry_after_s is not None:
                headers["Retry-After"] = f"{fault.retry_after_s:g}"
            if fault.retry_after_ms is not None:
                headers["retry-after-ms"] = str(fault.retry_after_ms)
            self._error(429, "Rate limit reached (local test server)", "rate_limit_error", headers)
            return
        if fault.kind == "server_error":
            self._error(500, "Internal server error (local test server)", "server_error")
            return
        if fault.kind == "bad_request":
            self._error(400, "Invalid request (local test server)", "invalid_request_error")
            return
        if fault.kind == "unauthorized":
            self._error(401, "Incorrect API key provided (local test server)", "invalid_request_error")
            return
        if fault.kind == "slow":
            state.stopping.wait(fault.delay_s)
        if fault.kind == "malformed":
            self._send(200, b'{"id": "chatcmpl-broken", "choices": [{"message": ')
            return
        if not isinstance(body, dict) or not isinstance(body.get("messages"), list):
            self._error(400, "body must be JSON with a 'messages' list", "invalid_request_error")
            return
        messages = body["messages"]
        try:
            text = "" if fault.kind == "empty" else (state.reply or _reference_reply)(messages)
            if fault.kind == "huge":
                text = (text + " ") + "x" * max(0, fault.size - len(text) - 1)
            elif fault.kind == "hostile_reply":
                text = f"{HOSTILE}{text}"
            elif fault.kind == "reflect":
                text = f"You sent {dict(self.headers.items())}\n{text}"
        except Exception as exc:  # a reply function's bug is the server's 500, as with a real server
            self._error(500, f"reply function failed: {type(exc).__name__}: {exc}", "server_error")
            return
        prompt_tokens = _approx_tokens(messages)
        completion_tokens = len(text) // 4 + 1
        if anthropic:
            self._send_json(200, {
                "id": f"msg_local_{request_no}", "type": "message", "role": "assistant",
                "model": str(body.get("model", "reference")), "content": [{"type": "text", "text": text}],
                "stop_reason": "end_turn", "stop_sequence": None,
                "usage": {"input_tokens": prompt_tokens, "output_tokens": completion_tokens},
            })
            return
        if fault.kind == "truncated":
            raw = json.dumps(_completion(body, text, request_no, prompt_tokens, completion_tokens)).encode()
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(raw)))
            self.end_headers()
            self.wfile.write(raw[: len(raw) // 2])
            self.close_connection = True
            return
        if fault.kind == "bad_usage":
            payload = _completion(body, text, request_no, prompt_tokens, completion_tokens)
            payload["usage"] = {"prompt_tokens": "many", "completion_tokens": [1], "total_tokens": None}
            self._send_json(200, payload)
            return
        if fault.kind in ("gzip_bomb", "chunked_huge"):
            self._send_big(fault, body, request_no, prompt_tokens)
            return
        if fault.kind in ("surrogate", "bad_utf8"):
            marker = '"content": "' + ("\\ud800" if fault.kind == "surrogate" else "\ufffd")
            payload = json.dumps(_completion(body, text, request_no, prompt_tokens, completion_tokens,
                                   cap_output=fault.kind != "huge"))
            payload = payload.replace('"content": "', marker, 1)
            raw = payload.encode()
            if fault.kind == "bad_utf8":
                raw = raw.replace("\ufffd".encode(), b"\xff\xfe", 1)
            self._send(200, raw)
            return
        self._send_json(200, _completion(body, text, request_no, prompt_tokens, completion_tokens,
                                   cap_output=fault.kind != "huge"))


_BOMBS: dict[int, bytes] = {}


def _gzip_bomb(size: int) -> bytes:
    """A chat completion whose content is `size` x's, gzip-compressed (about 1000:1), built once per size."""
    if size not in _BOMBS:
        head = b'{"id": "chatcmpl-bomb", "object": "chat.completion", "created": 0, "model": "m", "choices": ' \
               b'[{"index": 0, "finish_reason": "stop", "message": {"role": "assistant", "content": "'
        packer = zlib.compressobj(9, zlib.DEFLATED, 31)
        parts = [packer.compress(head)]
        block = b"x" * 1_000_000
        for start in range(0, size, len(block)):
            parts.append(packer.compress(block[: size - start]))
        tail = b'"}}], "usage": {"prompt_tokens": 1, "completion_tokens": 1, "total_tokens": 2}}'
        parts.append(packer.compress(tail))
        _BOMBS[size] = b"".join(parts) + packer.flush()
    return _BOMBS[size]


def _completion(body: Mapping[str, Any], text: str, request_no: int, prompt: int, completion: int,
                cap_output: bool = True) -> dict[str, Any]:
    """An OpenAI chat.completion body answering `text`, cut at the request's output cap (at 4 characters a
    token) with finish_reason "length", as a provider cuts a reply that runs out of tokens."""
    finish = "stop"
    cap = body.get("max_completion_tokens") or body.get("max_tokens")
    if cap_output and isinstance(cap, int) and completion > cap:
        text, completion, finish = text[: cap * 4], cap, "length"
    return {
        "id": f"chatcmpl-local-{request_no}",
        "object": "chat.completion",
        "created": int(time.time()),
        "model": str(body.get("model", "reference")),
        "choices": [{"index": 0, "message": {"role": "assistant", "content": text}, "finish_reason": finish}],
        "usage": {"prompt_tokens": prompt, "completion_tokens": completion, "total_tokens": prompt + completion},
    }


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    request_queue_size = 128  # 32+ clients connect at once in the concurrency benchmark

    def __init__(self, address: tuple[str, int], state: _State) -> None:
        self.state = state
        super().__init__(address, _Handler)

    def handle_error(self, request: Any, client_address: Any) -> None:
        import sys

        if isinstance(sys.exc_info()[1], ConnectionError):
            return  # the client gave up first (its timeout during a slow fault): expected, not news
        super().handle_error(request, client_address)

    def set_fault(self, fault: Fault) -> None:
        with self.state.lock:
            self.state.fault = fault
            self.state.fault_left = fault.count
            self.state.draw = random.Random(fault.seed)


class LocalServer:
    """The server as a context manager: `with LocalServer(latency_s=0.3) as srv: srv.base_url`.

    Faults switch per instance (`srv.set_fault(Fault("rate_limit", count=2, retry_after_s=0.2))`) or over HTTP
    (`POST /control/fault` with the same fields as JSON; `POST /control/latency {"latency_s": 0.3}`);
    `srv.requests` keeps the last `KEEP_REQUESTS` chat requests, `srv.request_count` counts them all.
    """

    def __init__(
        self,
        *,
        reply: ReplyFn | None = None,
        latency_s: float = 0.0,
        admit_per_s: float | None = None,
        burst: float | None = None,
        fault: Fault | None = None,
        host: str = "127.0.0.1",
        port: int = 0,
        validate: bool = False,
    ) -> None:
        self._state = _State(reply=reply, latency_s=latency_s, validate=validate)
        if admit_per_s is not None:  # token-bucket admission: at most `admit_per_s` answered requests a second
            self._state.bucket = TokenBucket(admit_per_s, burst if burst is not None else max(1.0, admit_per_s / 10))
        self._address = (host, port)
        self._server: _Server | None = None
        self._thread: threading.Thread | None = None
        self._initial_fault = fault or Fault()

    def start(self) -> LocalServer:
        self._state.stopping.clear()
        self._server = _Server(self._address, self._state)
        self._server.set_fault(self._initial_fault)
        self._thread = threading.Thread(
            target=self._server.serve_forever,
            kwargs={"poll_interval": 0.05},
            name="restgate-localserver",
            daemon=True,
        )
        self._thread.start()
        return self

    def stop(self) -> None:
        if self._server is None:
            return
        self._state.stopping.set()  # releases handlers stalled in latency or a slow fault
        self._server.shutdown()
        self._server.server_close()
        if self._thread is not None:
            self._thread.join(timeout=5)
        self._server, self._thread = None, None

    def __enter__(self) -> LocalServer:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    @property
    def port(self) -> int:
        if self._server is None:
            raise RuntimeError("the server is not running: use it as a context manager or call start()")
        return int(self._server.server_address[1])

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def base_url(self) -> str:
        """The `api_base` to give litellm (`openai/<name>` models)."""
        return f"{self.url}/v1"

    @property
    def latency_s(self) -> float:
        return self._state.latency_s

    @latency_s.setter
    def latency_s(self, value: float) -> None:
        self._state.latency_s = value

    def set_fault(self, fault: Fault) -> None:
        if self._server is None:
            self._initial_fault = fault
        else:
            self._server.set_fault(fault)

    def set_reply(self, reply: ReplyFn | None) -> None:
        """Answer with `reply` from now on (None: the reference model)."""
        self._state.reply = reply

    def clear_fault(self) -> None:
        self.set_fault(Fault())

    @property
    def requests(self) -> list[ReceivedRequest]:
        with self._state.lock:
            return list(self._state.requests)

    @property
    def request_count(self) -> int:
        with self._state.lock:
            return self._state.received

    @property
    def refused_count(self) -> int:
        """Requests the token bucket refused with 429 (`admit_per_s`)."""
        with self._state.lock:
            return self._state.refused

    @property
    def peak_in_flight(self) -> int:
        """The most chat requests the server held at the same moment since start (or `reset_requests`)."""
        with self._state.lock:
            return self._state.peak_in_flight

    def reset_requests(self) -> None:
        with self._state.lock:
            self._state.requests.clear()
            self._state.received = 0
            self._state.peak_in_flight = self._state.in_flight

    def with_latency(self, latency_s: float) -> LocalServer:
        """Set the added latency and return self (for one-line fixtures)."""
        self.latency_s = latency_s
        return self


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(
        description="An OpenAI-compatible server answering as the reference model."
    )
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8000)
    parser.add_argument("--latency", type=float, default=0.0, help="seconds added to every response")
    parser.add_argument("--echo", action="store_true", help="answer with the last text part (no OCR)")
    args = parser.parse_args(argv)
    reply = echo_reply if args.echo else None
    with LocalServer(reply=reply, latency_s=args.latency, host=args.host, port=args.port) as server:
        print(
            f"serving on {server.base_url} (model: openai/<any name>, latency {args.latency:g} s); "
            "Ctrl-C stops",
            flush=True,
        )
        with contextlib.suppress(KeyboardInterrupt):
            threading.Event().wait()


def echo_reply(messages: list[dict[str, Any]]) -> str:
    """A reply function for tests and benchmarks that must not pay for OCR: the last text part, echoed."""
    for message in reversed(messages):
        content = message.get("content")
        if isinstance(content, str):
            return content
        for part in reversed(content or []):
            if part.get("type") == "text":
                return str(part.get("text", ""))
    return ""


__all__ = ["Fault", "LocalServer", "ReceivedRequest", "check_request", "echo_reply", "main"]

if __name__ == "__main__":
    main()
