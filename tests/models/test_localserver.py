"""The local OpenAI-compatible server itself: concurrency, faults, control endpoint, the standalone CLI."""

from __future__ import annotations

import json
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from pathlib import Path
from typing import Any

import pytest

from fixtures.models.localserver import Fault, LocalServer, echo_reply

ROOT = Path(__file__).resolve().parents[2]


def post(url: str, payload: Any, timeout: float = 10) -> tuple[int, dict[str, str], bytes]:
    request = urllib.request.Request(
        url, data=json.dumps(payload).encode(), method="POST", headers={"Content-Type": "application/json"}
    )
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:
            return response.status, dict(response.headers), response.read()
    except urllib.error.HTTPError as exc:
        return exc.code, dict(exc.headers), exc.read()


def chat(server: LocalServer, text: str = "hi") -> tuple[int, dict[str, str], bytes]:
    return post(f"{server.base_url}/chat/completions", {"model": "m", "messages": [{"role": "user", "content": text}]})


def test_answers_in_openai_format_with_usage() -> None:
    with LocalServer(reply=echo_reply) as server:
        status, _, body = chat(server, "echo me")
    reply = json.loads(body)
    assert status == 200 and reply["choices"][0]["message"] == {"role": "assistant", "content": "echo me"}
    assert reply["usage"]["total_tokens"] == reply["usage"]["prompt_tokens"] + reply["usage"]["completion_tokens"]


def test_32_requests_with_300ms_latency_all_overlap() -> None:
    latency, n = 0.3, 32
    with LocalServer(reply=echo_reply, latency_s=latency) as server:
        statuses: list[int] = []
        threads = [threading.Thread(target=lambda: statuses.append(chat(server)[0])) for _ in range(n)]
        started = time.monotonic()
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        elapsed = time.monotonic() - started
        arrivals = [r.arrived_s for r in server.requests]
    assert statuses == [200] * n
    assert max(arrivals) - min(arrivals) < latency  # every request was in before the first one finished
    assert elapsed < 2 * latency


def test_fault_counts_down_then_the_server_recovers() -> None:
    with LocalServer(reply=echo_reply, fault=Fault("rate_limit", count=2, retry_after_s=1.5)) as server:
        first, second, third = chat(server), chat(server), chat(server)
        kinds = [r.fault for r in server.requests]
    assert (first[0], second[0], third[0]) == (429, 429, 200)
    assert first[1]["Retry-After"] == "1.5"
    assert kinds == ["rate_limit", "rate_limit", "none"]


@pytest.mark.parametrize(("kind", "status"), [("server_error", 500), ("bad_request", 400), ("unauthorized", 401)])
def test_error_faults(kind: str, status: int) -> None:
    with LocalServer(reply=echo_reply, fault=Fault(kind)) as server:  # type: ignore[arg-type]
        code, _, body = chat(server)
    assert code == status and json.loads(body)["error"]["code"] == status


def test_malformed_and_empty_faults() -> None:
    with LocalServer(reply=echo_reply, fault=Fault("malformed")) as server:
        status, _, body = chat(server)
        assert status == 200
        with pytest.raises(ValueError):
            json.loads(body)
        server.set_fault(Fault("empty"))
        assert json.loads(chat(server)[2])["choices"][0]["message"]["content"] == ""


def test_control_endpoint_switches_faults() -> None:
    with LocalServer(reply=echo_reply) as server:
        assert post(f"{server.url}/control/fault", {"kind": "server_error", "count": 1})[0] == 200
        assert [chat(server)[0], chat(server)[0]] == [500, 200]
        with urllib.request.urlopen(f"{server.url}/control/stats") as response:
            assert json.loads(response.read())["requests"] == 2


def test_a_reply_function_bug_is_a_500() -> None:
    def broken(messages: list[dict[str, Any]]) -> str:
        raise RuntimeError("reply bug")

    with LocalServer(reply=broken) as server:
        status, _, body = chat(server)
    assert status == 500 and "reply bug" in json.loads(body)["error"]["message"]


def test_stop_releases_a_stalled_request_quickly() -> None:
    server = LocalServer(reply=echo_reply, fault=Fault("slow", delay_s=60)).start()
    worker = threading.Thread(target=lambda: chat(server), daemon=True)
    worker.start()
    time.sleep(0.2)
    started = time.monotonic()
    server.stop()
    worker.join(timeout=5)
    assert time.monotonic() - started < 3 and not worker.is_alive()


def test_standalone_cli_serves() -> None:
    proc = subprocess.Popen(
        [sys.executable, "-m", "fixtures.models.localserver", "--port", "0", "--echo", "--latency", "0.01"],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert proc.stdout is not None
        line = proc.stdout.readline()
        base_url = line.split()[2]
        assert base_url.startswith("http://127.0.0.1:") and base_url.endswith("/v1")
        status, _, body = post(
            f"{base_url}/chat/completions", {"model": "m", "messages": [{"role": "user", "content": "cli"}]}
        )
        assert status == 200 and json.loads(body)["choices"][0]["message"]["content"] == "cli"
    finally:
        proc.terminate()
        proc.wait(timeout=10)
