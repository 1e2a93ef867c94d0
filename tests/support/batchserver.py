"""Local provider batch servers on 127.0.0.1: OpenAI's Files + Batches and Anthropic's Message Batches, plus the
two online endpoints (/v1/chat/completions, /v1/messages) that requests failed inside a batch fall back to.

Why one stdlib server for both: the batch tests need the real wire formats (multipart upload, batch objects,
output/error files, Anthropic's results JSONL) behind litellm's and httpx's real clients, and a log of every
request the "provider" paid for, batch or online, to prove that none was paid twice. Batches stay in progress
while `hold` is set; faults: custom_ids that error inside a batch, and batches that expire.
"""

from __future__ import annotations

import contextlib
import email.parser
import email.policy
import hashlib
import itertools
import json
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

Reply = Callable[[list[dict[str, Any]]], str]


def paid_key(body: dict[str, Any]) -> str:
    """What identifies a paid request across the batch and online paths: its messages (and system) and seed."""
    return hashlib.sha256(json.dumps([body.get("messages"), body.get("system"), body.get("seed")],
                                     sort_keys=True).encode()).hexdigest()


@dataclass
class BatchState:
    reply: Reply
    hold: bool = False
    expire: bool = False
    error_ids: tuple[str, ...] = ()
    """custom_id substrings whose requests error inside a batch."""
    refuse_create: bool = False
    """Batch creation answers 400 (a provider that refuses the batch)."""
    create_delay_s: float = 0.0
    """The batch exists at once but its id is answered this much later: the window in which a killed run never
    hears the id of a batch it paid for."""
    files: dict[str, bytes] = field(default_factory=dict)
    batches: dict[str, dict[str, Any]] = field(default_factory=dict)
    inputs: dict[str, list[dict[str, Any]]] = field(default_factory=dict)
    log: list[tuple[str, str]] = field(default_factory=list)
    paid: list[str] = field(default_factory=list)
    """`paid_key` of every request answered (a batch's succeeded ones and online calls)."""
    ids: Any = field(default_factory=lambda: itertools.count(1))
    lock: threading.Lock = field(default_factory=threading.Lock)


def _text(reply: str, usage_in: int) -> tuple[str, int, int]:
    return reply, usage_in, len(reply) // 4 + 1


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server: _Server

    def log_message(self, format: str, *args: Any) -> None:
        return

    def _json(self, status: int, payload: Any) -> None:
        raw = json.dumps(payload).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(raw)))
        self.end_headers()
        self.wfile.write(raw)

    def _raw(self, raw: bytes) -> None:
        self.send_response(200)
        self.send_header("Content-Type", "application/octet-stream")
        self.send_header("Content-Length", str(len(raw)))
        self.end_headers()
        self.wfile.write(raw)

    def do_GET(self) -> None:
        state, path = self.server.state, self.path.split("?")[0].rstrip("/")
        with state.lock:
            state.log.append(("GET", path))
            if path.startswith("/v1/files/") and path.endswith("/content"):
                self._raw(state.files.get(path.split("/")[3], b""))
            elif path in ("/v1/batches", "/v1/messages/batches"):
                self._json(200, self._list(path == "/v1/messages/batches"))
            elif path.startswith("/v1/batches/"):
                self._json(200, self._advance(path.split("/")[3]))
            elif path.startswith("/v1/messages/batches/") and path.endswith("/results"):
                self._raw(state.files.get(f"results-{path.split('/')[4]}", b""))
            elif path.startswith("/v1/messages/batches/"):
                self._json(200, self._advance(path.split("/")[4]))
            else:
                self._json(404, {"error": {"message": f"no route {path}"}})

    def do_POST(self) -> None:
        state, path = self.server.state, self.path.split("?")[0].rstrip("/")
        raw = self.rfile.read(int(self.headers.get("Content-Length") or 0))
        created: dict[str, Any] | None = None
        with state.lock:
            state.log.append(("POST", path))
            if state.refuse_create and path in ("/v1/batches", "/v1/messages/batches"):
                self._json(400, {"error": {"message": "batch refused (local batch server)", "type": "invalid"}})
            elif path == "/v1/files":
                self._json(200, self._upload(raw))
            elif path == "/v1/batches":
                created = self._create_openai(json.loads(raw))
            elif path == "/v1/messages/batches":
                created = self._create_anthropic(json.loads(raw))
            elif path.endswith("/cancel"):
                batch = state.batches[path.split("/")[-2]]
                batch["cancel"] = True
                self._json(200, self._advance(batch["id"]))
            elif path in ("/v1/chat/completions", "/v1/messages"):
                self._json(200, self._online(json.loads(raw), anthropic=path == "/v1/messages"))
            else:
                self._json(404, {"error": {"message": f"no route {path}"}})
        if created is not None:  # the batch exists from here on, whether or not its creator hears the id
            time.sleep(state.create_delay_s)
            with contextlib.suppress(OSError):  # the client was killed while waiting
                self._json(200, created)

    def _list(self, anthropic: bool) -> dict[str, Any]:
        """Newest first, one page (as both APIs answer a first page)."""
        kind = "msgbatch_" if anthropic else "batch_"
        data = [{k: v for k, v in b.items() if k != "cancel"} for i, b in reversed(self.server.state.batches.items())
                if i.startswith(kind)]
        page: dict[str, Any] = {"data": data, "has_more": False, "first_id": data[0]["id"] if data else None,
                                "last_id": data[-1]["id"] if data else None}
        return page if anthropic else {"object": "list", **page}

    def _upload(self, raw: bytes) -> dict[str, Any]:
        head = f"Content-Type: {self.headers['Content-Type']}\r\n\r\n".encode()
        message = email.parser.BytesParser(policy=email.policy.default).parsebytes(head + raw)
        content = next(p.get_payload(decode=True) for p in message.iter_parts()
                       if p.get_param("name", header="content-disposition") == "file")
        file_id = f"file-{next(self.server.state.ids)}"
        self.server.state.files[file_id] = content
        return {"id": file_id, "object": "file", "bytes": len(content), "created_at": int(time.time()),
                "filename": "input.jsonl", "purpose": "batch", "status": "processed"}

    def _create_openai(self, body: dict[str, Any]) -> dict[str, Any]:
        state = self.server.state
        batch_id = f"batch_{next(state.ids)}"
        lines = [json.loads(x) for x in state.files[body["input_file_id"]].decode().splitlines() if x.strip()]
        state.inputs[batch_id] = [{"custom_id": x["custom_id"], "body": x["body"]} for x in lines]
        state.batches[batch_id] = {"id": batch_id, "object": "batch", "endpoint": body["endpoint"],
                                   "input_file_id": body["input_file_id"], "completion_window": "24h",
                                   "created_at": int(time.time()), "status": "in_progress",
                                   "metadata": body.get("metadata"),
                                   "request_counts": {"total": len(lines), "completed": 0, "failed": 0}}
        return state.batches[batch_id]

    def _create_anthropic(self, body: dict[str, Any]) -> dict[str, Any]:
        state = self.server.state
        batch_id = f"msgbatch_{next(state.ids)}"
        state.inputs[batch_id] = [{"custom_id": r["custom_id"], "body": r["params"]} for r in body["requests"]]
        state.batches[batch_id] = {"id": batch_id, "type": "message_batch", "processing_status": "in_progress",
                                   "request_counts": {"processing": len(body["requests"]), "succeeded": 0,
                                                      "errored": 0, "canceled": 0, "expired": 0},
                                   "results_url": None,
                                   "created_at": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())}
        return state.batches[batch_id]

    def _advance(self, batch_id: str) -> dict[str, Any]:
        """A held batch stays in progress; otherwise (or when cancelled) it ends now, its requests answered once."""
        state, batch = self.server.state, self.server.state.batches[batch_id]
        running = batch.get("status", batch.get("processing_status")) in ("in_progress", "cancelling")
        if running and (batch.get("cancel") or not state.hold):
            end = "cancelled" if batch.get("cancel") else "expired" if state.expire else "completed"
            (self._end_anthropic if batch_id.startswith("msgbatch_") else self._end_openai)(batch, end)
        return {k: v for k, v in batch.items() if k != "cancel"}

    def _answer(self, custom_id: str, body: dict[str, Any], end: str) -> tuple[str, Any]:
        """(outcome, reply text or error message) of one request as the batch ends."""
        if end != "completed":
            return ("expired" if end == "expired" else "canceled"), f"batch {end}"
        if any(part in custom_id for part in self.server.state.error_ids):
            return "errored", "Internal error while processing the request (local batch server)"
        self.server.state.paid.append(paid_key(body))
        return "succeeded", self.server.state.reply(body["messages"])

    def _end_openai(self, batch: dict[str, Any], end: str) -> None:
        out, err = [], []
        for request in self.server.state.inputs[batch["id"]]:
            outcome, text = self._answer(request["custom_id"], request["body"], end)
            if outcome == "succeeded":
                body = _completion(request["body"], text)
                out.append({"id": "r", "custom_id": request["custom_id"], "error": None,
                            "response": {"status_code": 200, "request_id": "q", "body": body}})
            elif outcome == "errored":
                err.append({"id": "r", "custom_id": request["custom_id"], "error": None, "response": {
                    "status_code": 500, "request_id": "q", "body": {"error": {"message": text, "type": "server"}}}})
            else:
                code = "batch_expired" if outcome == "expired" else "batch_cancelled"
                err.append({"id": "r", "custom_id": request["custom_id"], "response": None,
                            "error": {"code": code, "message": text}})
        for name, lines in (("output_file_id", out), ("error_file_id", err)):
            if lines:
                file_id = f"file-{next(self.server.state.ids)}"
                self.server.state.files[file_id] = "".join(json.dumps(x) + "\n" for x in lines).encode()
                batch[name] = file_id
        batch["status"] = end
        batch["request_counts"] = {"total": len(out) + len(err), "completed": len(out), "failed": len(err)}

    def _end_anthropic(self, batch: dict[str, Any], end: str) -> None:
        lines, counts = [], {"processing": 0, "succeeded": 0, "errored": 0, "canceled": 0, "expired": 0}
        for request in self.server.state.inputs[batch["id"]]:
            outcome, text = self._answer(request["custom_id"], request["body"], end)
            counts[outcome] += 1
            if outcome == "succeeded":
                result: dict[str, Any] = {"type": "succeeded", "message": _message(request["body"], text)}
            elif outcome == "errored":
                result = {"type": "errored", "error": {"type": "error", "error": {"type": "api_error",
                                                                                   "message": text}}}
            else:
                result = {"type": outcome}
            lines.append({"custom_id": request["custom_id"], "result": result})
        self.server.state.files[f"results-{batch['id']}"] = "".join(json.dumps(x) + "\n" for x in lines).encode()
        batch.update(processing_status="ended", request_counts=counts,
                     results_url=f"http://127.0.0.1:{self.server.server_address[1]}/v1/messages/batches/"
                                 f"{batch['id']}/results")

    def _online(self, body: dict[str, Any], anthropic: bool) -> dict[str, Any]:
        self.server.state.paid.append(paid_key(body))
        text = self.server.state.reply(body["messages"])
        return _message(body, text) if anthropic else _completion(body, text)


def _completion(body: dict[str, Any], text: str) -> dict[str, Any]:
    usage_in = len(json.dumps(body.get("messages"))) // 40 + 1
    return {"id": "chatcmpl-b", "object": "chat.completion", "created": int(time.time()), "model": body["model"],
            "choices": [{"index": 0, "message": {"role": "assistant", "content": text}, "finish_reason": "stop"}],
            "usage": {"prompt_tokens": usage_in, "completion_tokens": len(text) // 4 + 1,
                      "total_tokens": usage_in + len(text) // 4 + 1}}


def _message(body: dict[str, Any], text: str) -> dict[str, Any]:
    usage_in = len(json.dumps(body.get("messages"))) // 40 + 1
    return {"id": "msg_b", "type": "message", "role": "assistant", "model": body["model"],
            "content": [{"type": "text", "text": text}], "stop_reason": "end_turn", "stop_sequence": None,
            "usage": {"input_tokens": usage_in, "output_tokens": len(text) // 4 + 1}}


class _Server(ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self, state: BatchState) -> None:
        super().__init__(("127.0.0.1", 0), _Handler)
        self.state = state


class BatchServer:
    """`with BatchServer(reply) as srv:` -- `srv.base_url` for openai/ models, `srv.url` for anthropic/ ones."""

    def __init__(self, reply: Reply) -> None:
        self.state = BatchState(reply)
        self._server = _Server(self.state)
        self._thread = threading.Thread(target=self._server.serve_forever, kwargs={"poll_interval": 0.05},
                                        daemon=True)

    def __enter__(self) -> BatchServer:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._server.shutdown()
        self._server.server_close()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self._server.server_address[1]}"

    @property
    def base_url(self) -> str:
        return f"{self.url}/v1"

    def created(self) -> list[str]:
        """Paths of the batch creations the server received (one per batch submitted)."""
        return [p for m, p in self.state.log if m == "POST" and p in ("/v1/batches", "/v1/messages/batches")]

    def online(self) -> int:
        return sum(1 for m, p in self.state.log if m == "POST" and p in ("/v1/chat/completions", "/v1/messages"))


__all__ = ["BatchServer", "paid_key"]
