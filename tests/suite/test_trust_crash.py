"""A worker that dies mid-run (SIGKILL: the OOM killer, a segfault in a native library) never yields a green gate.

Every unit here is consistent, so only the crash can fail the run; pytest-xdist replaces the worker and finishes the
other tests, which is exactly when a gate could wrongly pass on what is left.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.support.localserver import LocalServer

pytestmark = pytest.mark.slow

KILL_ONE_WORKER = '''

def pytest_runtest_setup(item):
    import os, signal
    if hasattr(item.config, "workerinput") and "soebench/0001" in item.nodeid:
        os.kill(os.getpid(), signal.SIGKILL)  # as the OOM killer would, while the unit is being evaluated
'''


def test_a_killed_xdist_worker_makes_the_run_incomplete(
    run_suite, monkeypatch: pytest.MonkeyPatch, pytester: pytest.Pytester, tmp_path: Path
) -> None:
    monkeypatch.setenv("OPENAI_API_KEY", "sk-test")
    baseline = tmp_path / "base.json"
    pytester.makeconftest((Path(pytester.path) / "conftest.py").read_text() + KILL_ONE_WORKER)
    with LocalServer(reply=lambda _m: "Answer: 7") as srv:
        run = run_suite("--model=openai/steady", f"--api-base={srv.base_url}", "--limit=4", "-n", "2",
                        "--min-rer=0.5", "--retry-backoff=0", f"--save-baseline={baseline}")
    out = run.result.stdout.str()
    assert run.result.ret != 0, out[-3000:]
    assert "release gate PASSED" not in out and "release gate INCOMPLETE" in out
    assert "INCOMPLETE run: 3 of 4 planned tests finished (xdist worker gw" in out and "crashed" in out
    summary = run.summary
    assert (summary["complete"], summary["verdict"], summary["gate_passed"]) == (False, "INCOMPLETE", False)
    assert (summary["planned"], summary["finished"]) == (4, 3)
    assert not baseline.exists()
    assert {r["item_id"] for r in run.records} == {"soebench/0000", "soebench/0002", "soebench/0003"}
    assert "INCOMPLETE run:" in run.html
