"""Issue 26: litellm's import (about 3 s of CPU) overlaps start-up in every process that will call the model.

The whole suite runs in-process against the local server, under -n 2; a probe added to the run's conftest
records, at the end of each worker's collection, whether that worker has begun importing litellm.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from tests.support.localserver import LocalServer

pytestmark = pytest.mark.slow


def _answer(messages: list[dict[str, object]]) -> str:
    return "Thinking.\nAnswer: 7"


PROBE = '''

def pytest_collection_finish(session):  # added by test_suite_pagememo: has this worker begun importing litellm?
    import os, sys, threading
    from pathlib import Path
    worker = os.environ.get("PYTEST_XDIST_WORKER")
    if worker:
        begun = "litellm" in sys.modules or any(t.name == "restgate-import-litellm" for t in threading.enumerate())
        (Path(os.environ["RESTGATE_TEST_PROBE"]) / worker).write_text(str(begun))
'''


def test_xdist_workers_import_litellm_early_only_when_calls_are_expected(  # type: ignore[no-untyped-def]
    run_suite, pytester: pytest.Pytester, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    """A cold run's workers start litellm's import at configure (it overlaps their collection); a warm rerun's
    workers never import it (every answer is cached)."""
    conftest = pytester.path / "conftest.py"
    conftest.write_text(conftest.read_text() + PROBE)
    probe = tmp_path / "probe"
    monkeypatch.setenv("RESTGATE_TEST_PROBE", str(probe))
    cache = tmp_path / "cache"
    seen = {}
    with LocalServer(reply=_answer) as server:
        for run in ("cold", "warm"):
            probe.mkdir()
            result = run_suite("--limit=2", "-n", "2", "--model=openai/scripted", f"--api-base={server.base_url}",
                               cache_dir=cache)
            result.result.assert_outcomes(passed=2)
            seen[run] = {p.name: p.read_text() for p in probe.iterdir()}
            shutil.rmtree(probe)
    assert seen == {"cold": {"gw0": "True", "gw1": "True"}, "warm": {"gw0": "False", "gw1": "False"}}
