"""summary.json records what a run selected of its plan, and the run index follows --html=PATH.

In-process runs (pytester) against the local OpenAI-compatible server: a -k run, a --deselect run and an
xdist run of the same settings, each compared with the plan the settings define.
"""

from __future__ import annotations

import html
import json
import os
import re
from pathlib import Path

import pytest

from pytest_restgate.reports.latency import format_latency
from tests.support.localserver import LocalServer

pytestmark = pytest.mark.slow


def _args(server: LocalServer) -> tuple[str, ...]:
    return ("--limit=3", "--model=openai/scripted", f"--api-base={server.base_url}", "--retry-backoff=0.01",
            "--min-rer=0")


def test_a_selected_run_says_so_and_a_full_one_covers_its_plan(run_suite) -> None:  # type: ignore[no-untyped-def]
    with LocalServer(reply=lambda messages: "Answer: 7") as server:
        full = run_suite(*_args(server), "-n", "2")
        first = sorted({r["item_id"] for r in full.records})[0]
        picked = run_suite(*_args(server), "-k", first)
        dropped = run_suite(*_args(server), f"--deselect=tests_rest/test_rest.py::test_rest[{first}-x]",
                            "-k", "soebench")
    assert full.summary["plan"] == {"units": 3, "selected": 3, "covered": True}
    assert full.summary["selection"] == {}
    assert picked.summary["selection"] == {"keyword": first}
    assert picked.summary["plan"] == {"units": 3, "selected": 1, "covered": False}
    assert picked.summary["complete"] is True  # it finished what it selected: complete, but a subset
    assert dropped.summary["selection"]["keyword"] == "soebench"
    assert dropped.summary["plan"]["covered"] is True  # a -k that matches every unit leaves nothing out
    index = (picked.run_dir.parent / "index.html").read_text()
    assert "subset: 1 of 3 units selected by -k" in index


def test_the_index_links_the_report_that_html_wrote(run_suite, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    target = tmp_path / "elsewhere" / "mine.html"
    with LocalServer(reply=lambda messages: "Answer: 7", latency_s=0.25) as server:
        run = run_suite(*_args(server), f"--html={target}", "--response-cache=off")
    assert target.is_file() and not (run.run_dir / "report.html").exists()
    assert run.summary["report_html"] == Path(os.path.relpath(target, run.run_dir)).as_posix()
    index = (run.run_dir.parent / "index.html").read_text()
    assert f'href="{Path(os.path.relpath(target, run.run_dir.parent)).as_posix()}"' in index
    page = target.read_text()  # its Duration column: each unit's slowest model call, not the queue wait
    assert ">Duration (model)</th>" in page
    blob = json.loads(html.unescape(re.search(r'data-jsonblob="([^"]*)"', page)[1]))  # type: ignore[index]
    slowest: dict[str, float] = {}
    for r in run.records:
        slowest[r["item_id"]] = max(slowest.get(r["item_id"], 0.0), r["latency_s"])
    for test_id, entries in blob["tests"].items():
        item = next(i for i in slowest if f"[{i}-" in test_id)
        assert entries[0]["duration"] == format_latency(slowest[item]), (test_id, entries[0]["duration"])
