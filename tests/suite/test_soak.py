"""Issue 10, case 12: a run under a seeded mix of faults, killed with SIGKILL half-way, then rerun.

The run is a real `pytest -n 2` in its own process group (controller and xdist workers die together, as in a
CI timeout), against the local server answering with 429 + Retry-After, 500, 529, stalls past the call
timeout, malformed and empty replies. Nothing answered may be lost or asked for again; nothing may be doubled;
no error may be scored; the killed folder must say it is unfinished.
"""

from __future__ import annotations

import json
import os
import signal
import sqlite3
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path
from typing import Any

import pytest

from pytest_restgate.core.rundir import RUNNING
from pytest_restgate.fixtures.models.cache import DB_NAME
from tests.support.localserver import Fault, LocalServer

pytestmark = pytest.mark.slow
REPO = Path(__file__).resolve().parents[2]
ITEMS = 12
CALLS_PER_ITEM = 4  # ocr, text, image, mixed (direct strategy)


def _answer(messages: list[dict[str, Any]]) -> str:
    return "Thinking.\nAnswer: 7"


def _records(run_dir: Path) -> list[dict[str, Any]]:
    path = run_dir / "results.jsonl"
    if not path.is_file():
        return []
    out = []
    for line in path.read_text(encoding="utf-8").splitlines():
        try:
            out.append(json.loads(line))
        except json.JSONDecodeError:  # a line torn by the kill
            continue
    return out


def _start(server: LocalServer, reports: Path, cache: Path) -> subprocess.Popen[bytes]:
    command = [
        sys.executable, "-m", "pytest", "tests_rest", "-p", "no:cacheprovider", "-q", "-n", "2",
        f"--report-dir={reports}", f"--response-cache-dir={cache}", f"--limit={ITEMS}", "--seed=10",
        "--model=openai/soak", f"--api-base={server.base_url}", "--retry-backoff=0.01", "--call-timeout=1",
        "--max-retries=2", "--concurrency=8",
    ]
    return subprocess.Popen(command, cwd=REPO, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                            start_new_session=True)  # its own process group: the kill takes the workers too


def _only_run_dir(reports: Path, exclude: set[Path] = frozenset()) -> Path | None:  # type: ignore[assignment]
    found = [p for p in reports.iterdir() if p.is_dir() and p not in exclude] if reports.exists() else []
    return found[0] if found else None


def test_killed_half_way_then_rerun_loses_nothing_and_asks_nothing_twice(tmp_path: Path) -> None:
    reports, cache = tmp_path / "reports", tmp_path / "cache"
    with LocalServer(reply=_answer, latency_s=0.05, fault=Fault("mix", seed=12, delay_s=3.0)) as server:
        proc = _start(server, reports, cache)
        deadline = time.monotonic() + 45
        killed_dir = None
        while time.monotonic() < deadline and proc.poll() is None:
            killed_dir = _only_run_dir(reports)
            if killed_dir is not None and len(_records(killed_dir)) >= ITEMS * CALLS_PER_ITEM // 2:
                break
            time.sleep(0.05)
        assert proc.poll() is None, "the run finished before it could be killed: " + proc.stdout.read().decode()[-2000:]  # type: ignore[union-attr]
        os.killpg(proc.pid, signal.SIGKILL)
        proc.wait(timeout=10)
        assert killed_dir is not None
        before = _records(killed_dir)
        with sqlite3.connect(cache / DB_NAME) as conn:
            cached_at_kill = conn.execute("SELECT COUNT(*) FROM responses").fetchone()[0]

        server.clear_fault()
        server.reset_requests()
        rerun = _start(server, reports, cache)
        output = rerun.communicate(timeout=120)[0].decode()
        asked = server.request_count

    # the killed folder says it never finished; what it holds is not lost
    assert (killed_dir / RUNNING).is_file() and not (killed_dir / "summary.json").exists()
    assert all(r["answer"] is None and r["correct"] is None for r in before if r["error"])  # errors never scored
    answered = {(r["item_id"], r["modality"]) for r in before if not r["error"]}
    assert answered and cached_at_kill >= len(answered)

    # the rerun asks only for the calls the cache did not hold at the kill (in-flight ones included)
    assert asked == ITEMS * CALLS_PER_ITEM - cached_at_kill, output[-3000:]

    run_dir = _only_run_dir(reports, exclude={killed_dir})
    assert run_dir is not None
    after = _records(run_dir)
    keys = Counter((r["item_id"], r["modality"]) for r in after)
    assert len(keys) == ITEMS * CALLS_PER_ITEM and set(keys.values()) == {1}, output[-3000:]  # none lost or doubled
    assert all(r["cached"] for r in after if (r["item_id"], r["modality"]) in answered)
    assert not any(r["error"] for r in after)
    summary = json.loads((run_dir / "summary.json").read_text())
    tests = summary["tests"]
    assert tests["passed"] + tests["inconsistent"] + tests["errors"] == ITEMS
    assert (run_dir / "report.html").is_file() and not (run_dir / RUNNING).exists()
