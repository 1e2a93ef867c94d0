"""Issue 26: the end of a REST run (summary, terminal table, HTML report, run index) imports neither pandas nor
numpy: they cost about 0.4 s of CPU, more than a warm rerun's whole test loop.

A subprocess run (an in-process pytester run shares this test process, which has pandas imported already)
against the local OpenAI-compatible server, where nothing else imports them, with a probe plugin that reports
at `pytest_unconfigure` which of them are in `sys.modules`.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.support.localserver import LocalServer

pytestmark = pytest.mark.slow
REPO = Path(__file__).resolve().parents[2]
PROBE = '''
import json, os, sys

def pytest_unconfigure(config):
    names = ("pandas", "numpy", "pyarrow")
    with open(os.environ["RESTGATE_TEST_PROBE"], "w") as out:
        json.dump({name: name in sys.modules for name in names}, out)
'''


def _answer(messages: list[dict[str, object]]) -> str:
    return "Thinking.\nAnswer: 7"


@pytest.mark.parametrize("run", ["cold", "warm"])
def test_a_rest_run_ends_without_pandas_or_numpy(tmp_path: Path, run: str) -> None:
    (tmp_path / "restgate_end_probe.py").write_text(PROBE)
    probe = tmp_path / "probe.json"
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(REPO), str(tmp_path)]),
           "RESTGATE_TEST_PROBE": str(probe), "OPENAI_API_KEY": "sk-local"}
    with LocalServer(reply=_answer) as server:
        command = [sys.executable, "-m", "pytest", "tests_rest", "-p", "no:cacheprovider", "-p", "restgate_end_probe",
                   "-q", "--limit=3", "--model=openai/scripted", f"--api-base={server.base_url}",
                   f"--report-dir={tmp_path}/reports", f"--response-cache-dir={tmp_path}/cache"]
        for _ in range(2 if run == "warm" else 1):  # warm: the second run answers every call from the cache
            result = subprocess.run(command, cwd=REPO, env=env, capture_output=True, text=True, timeout=300)
            assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    runs = sorted(p for p in (tmp_path / "reports").iterdir() if p.is_dir())
    summary = json.loads((runs[-1] / "summary.json").read_text())
    assert summary["metrics"]["micro"]["n"] == 3  # the summary was built, with its figures
    assert (runs[-1] / "report.html").is_file() and (tmp_path / "reports" / "index.html").is_file()
    assert json.loads(probe.read_text()) == {"pandas": False, "numpy": False, "pyarrow": False}
