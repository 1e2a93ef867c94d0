"""The suite as an installed wheel runs it: `pytest -p pytest_restgate.plugin --pyargs pytest_restgate.tests_rest`
(what `restgate run` does) in a bare folder, with no conftest.py and no pytest configuration.

Reports land in ./reports/runs and the response cache in ./.restgate-cache of that folder; pyproject's markers
come from the plugin. CI (.ci/run) runs the same from a real wheel in a fresh venv.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from pytest_restgate.launch import SUITE_ARGS
from tests.support.localserver import LocalServer

pytestmark = pytest.mark.slow


def _run_folder(root: Path) -> Path:
    runs = [p for p in (root / "reports" / "runs").iterdir() if p.is_dir()]
    assert len(runs) == 1, runs
    return runs[0]


def test_reference_model_by_default_outputs_in_the_current_folder(pytester: pytest.Pytester) -> None:
    result = pytester.runpytest_inprocess(*SUITE_ARGS, "-p", "no:cacheprovider", "--limit=2", "--strict-markers",
                                          "-m", "rest and soebench")
    result.assert_outcomes(passed=2)
    run = _run_folder(pytester.path)
    summary = json.loads((run / "summary.json").read_text())
    assert summary["run"]["model"] == "reference" and summary["complete"] is True
    assert (run / "report.html").is_file()  # the reports plugin set pytest-html's path before pytest-html read it
    assert (pytester.path / ".restgate-cache" / "responses.sqlite3").is_file()


def test_a_model_through_litellm(pytester: pytest.Pytester) -> None:
    with LocalServer(reply=lambda messages: "Answer: 5") as server:
        result = pytester.runpytest_inprocess(*SUITE_ARGS, "-p", "no:cacheprovider", "--limit=2",
                                              "--model=openai/scripted", f"--api-base={server.base_url}",
                                              "--report-dir=out")
    result.assert_outcomes(passed=2)
    runs = [p for p in (pytester.path / "out").iterdir() if p.is_dir()]  # --report-dir, relative to the run
    assert len(runs) == 1, runs
    assert json.loads((runs[0] / "summary.json").read_text())["run"]["model"] == "openai/scripted"
    assert not (pytester.path / "reports").exists()
