"""Live progress end to end: a plain line without a TTY (pytester's output), the workers added up under xdist,
silence with -q."""

from __future__ import annotations

import re

import pytest

from tests.support.localserver import LocalServer

pytestmark = pytest.mark.slow


def _args(server: LocalServer) -> tuple[str, ...]:
    return ("--limit=4", "--model=openai/scripted", f"--api-base={server.base_url}", "--retry-backoff=0.01",
            "--min-rer=0", "--response-cache=off", "--progress-interval=0.2")


def test_progress_lines_add_up_the_workers_calls(run_suite) -> None:  # type: ignore[no-untyped-def]
    with LocalServer(reply=lambda _m: "Answer: 7", latency_s=0.3) as server:
        run = run_suite(*_args(server), "-n", "2", "--concurrency=2")
        received = server.request_count
    lines = [line for line in run.result.stdout.lines if line.startswith("restgate progress:")]
    assert len(lines) >= 2, run.result.stdout.str()
    last = re.match(r"restgate progress: (\d+)/(\d+) tests, (\d+) calls done, (\d+) in flight", lines[-1])
    assert last is not None and last.groups() == ("4", "4", str(received), "0")
    assert "$" in lines[-1] or "spend unknown" in lines[-1]
    assert "ETA" in lines[0]


def test_quiet_runs_print_no_progress(run_suite) -> None:  # type: ignore[no-untyped-def]
    with LocalServer(reply=lambda _m: "Answer: 7", latency_s=0.3) as server:
        run = run_suite(*_args(server), "-q")
    assert "restgate progress:" not in run.result.stdout.str()
