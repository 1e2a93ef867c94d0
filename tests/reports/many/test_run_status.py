"""Run history that cannot mislead: marks on partial runs, full runs only in the leaderboard and trend."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from pytest_restgate.reports.cli import main
from pytest_restgate.reports.many.runs import list_runs
from pytest_restgate.reports.many.status import marks
from tests.reports.many.runfolders import Spec, make_run, units_of

DAY = 86_400.0
T0 = 1_790_000_000.0


def _dead_pid() -> int:
    proc = subprocess.Popen([sys.executable, "-c", "pass"])
    proc.wait()
    return proc.pid


def _edit(folder: Path, **changes: object) -> None:
    path = folder / "summary.json"
    summary = json.loads(path.read_text())
    summary.update(changes)
    path.write_text(json.dumps(summary))


@pytest.fixture
def root(tmp_path: Path) -> Path:
    """model-a: a full run, then a newer -k subset, a budget-stopped and an incomplete run; a killed run of
    openai/test (RUNNING with a dead pid); model-b: one full run."""
    r = tmp_path / "runs"
    make_run(r, Spec("model-a", units_of("cccccccccc"), started=T0))
    subset = make_run(r, Spec("model-a", units_of("ii"), started=T0 + DAY))
    _edit(subset, selection={"keyword": "soebench/000"}, plan={"units": 10, "selected": 2, "covered": False})
    budget = make_run(r, Spec("model-a", units_of("cci"), started=T0 + 2 * DAY))
    summary = json.loads((budget / "summary.json").read_text())
    _edit(budget, usage={**summary["usage"], "budget_exhausted": 28})
    cut = make_run(r, Spec("model-a", units_of("ciiii"), started=T0 + 3 * DAY))
    _edit(cut, complete=False, planned=10, finished=5, incomplete_reason="interrupted (Ctrl-C)")
    same_id = {"model_id": "hosted_vllm/openai-test"}  # the records of the killed run name this id
    make_run(r, Spec("model-b", units_of("ccccci"), started=T0 + 4 * DAY, extra=same_id))
    killed = make_run(r, Spec("openai-test", units_of("iii"), started=T0 + 5 * DAY))
    (killed / "summary.json").unlink()
    (killed / "RUNNING").write_text(json.dumps({"pid": _dead_pid(), "model": "openai/test"}))
    return r


def _kinds(root: Path) -> dict[str, list[str]]:
    return {run.name: [m.kind for m in marks(run)] for run in list_runs(root)}


def test_each_partial_run_carries_its_mark(root: Path) -> None:
    kinds = list(_kinds(root).values())
    assert kinds == [[], ["subset"], ["budget-stopped"], ["incomplete"], [], ["killed"]]


def test_the_index_marks_partial_runs(root: Path, capsys) -> None:  # type: ignore[no-untyped-def]
    assert main(["runs", "--report-dir", str(root)]) == 0
    out = capsys.readouterr().out
    assert "[killed]" in out and "[subset]" in out and "[budget-stopped]" in out and "[incomplete]" in out
    page = (root / "index.html").read_text()
    assert "subset: 2 of 10 units selected by -k &#x27;soebench/000&#x27;" in page
    assert "budget-stopped: 28 call(s) not made" in page
    assert "incomplete: 5 of 10 tests (interrupted (Ctrl-C))" in page
    assert "killed: still marked RUNNING, its process is gone" in page


def test_a_killed_run_is_listed_under_its_model_not_its_folder_slug(root: Path, capsys) -> None:  # type: ignore[no-untyped-def]
    killed = [run for run in list_runs(root) if run.rebuilt]
    assert [run.model for run in killed] == ["openai/test"]
    (killed[0].path / "RUNNING").write_text("pid 1\n")  # an older marker: no model named
    assert [run.model for run in list_runs(root) if run.rebuilt] == ["model-b"]  # by its model id's alias
    assert main(["leaderboard", "--report-dir", str(root)]) == 0
    assert "openai-test" not in capsys.readouterr().out


def test_the_leaderboard_takes_full_runs_and_marks_others_on_request(root: Path, capsys) -> None:  # type: ignore[no-untyped-def]
    assert main(["leaderboard", "--report-dir", str(root)]) == 0
    rows = {line.split()[0]: line for line in capsys.readouterr().out.splitlines() if line.startswith("model-")}
    assert rows["model-a"].split()[1] == "1.000" and "[" not in rows["model-a"]  # the full run, not the subset
    assert main(["leaderboard", "--all-runs", "--report-dir", str(root)]) == 0
    out = capsys.readouterr().out
    rows = {line.split()[0]: line for line in out.splitlines() if line.startswith(("model-", "openai/"))}
    assert "[incomplete: 5 of 10 tests" in rows["model-a"]
    assert "[killed" in rows["openai/test"]
    assert "incomplete: 5 of 10" in (root / "leaderboard.html").read_text()


def test_trend_leaves_out_partial_runs_unless_asked(root: Path, capsys) -> None:  # type: ignore[no-untyped-def]
    assert main(["trend", "model-a", "--report-dir", str(root)]) == 0
    out = capsys.readouterr().out
    assert "model-a: 1 run(s)" in out and out.count("-model-a\n") == 1  # no -k run as a dip
    assert main(["trend", "model-a", "--all-runs", "--report-dir", str(root)]) == 0
    out = capsys.readouterr().out
    assert "model-a: 4 run(s)" in out and "[subset: 2 of 10" in out
    assert "subset: 2 of 10" in (root / "trend-model-a.html").read_text()


def test_the_index_links_the_report_where_html_put_it(tmp_path: Path) -> None:
    root = tmp_path / "runs"
    run = make_run(root, Spec("model-h", units_of("cc")))
    elsewhere = tmp_path / "out" / "custom.html"
    elsewhere.parent.mkdir()
    elsewhere.write_text("<html></html>")
    import os

    _edit(run, report_html=Path(os.path.relpath(elsewhere, run)).as_posix())
    assert main(["runs", "--report-dir", str(root)]) == 0
    page = (root / "index.html").read_text()
    assert 'href="../out/custom.html"' in page
    assert (root / "../out/custom.html").resolve() == elsewhere.resolve()
