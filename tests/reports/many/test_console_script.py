"""The `restgate` console script that `pip install -e .` puts beside the interpreter finds the checkout."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from tests.reports.many.runfolders import Spec, make_run, units_of


def _script() -> Path:
    script = Path(sys.executable).parent / "restgate"
    assert script.is_file(), f"{script} missing: run `pip install -e .` in this environment"
    return script


def test_installed_script_answers_help_from_any_folder(tmp_path: Path) -> None:
    env = {k: v for k, v in os.environ.items() if k != "PYTHONPATH"}  # nothing but the install finds the code
    result = subprocess.run([str(_script()), "--help"], cwd=tmp_path, env=env, capture_output=True, text=True,
                            timeout=60, check=False)
    assert result.returncode == 0, result.stderr
    for command in ("runs", "compare", "leaderboard", "trend", "merge", "represent"):
        assert command in result.stdout


def test_installed_script_lists_runs(tmp_path: Path) -> None:
    make_run(tmp_path, Spec("model-x", units_of("cci")))
    env = {k: v for k, v in os.environ.items() if k != "PYTHONPATH"}
    result = subprocess.run([str(_script()), "runs", "--report-dir", str(tmp_path)], cwd=tmp_path, env=env,
                            capture_output=True, text=True, timeout=120, check=False)
    assert result.returncode == 0, result.stderr
    assert "model-x" in result.stdout and (tmp_path / "index.html").is_file()


def test_a_reader_that_leaves_early_gets_no_traceback(tmp_path: Path) -> None:
    """`restgate runs | head`: the pipe closes before the listing is written; the script exits quietly."""
    make_run(tmp_path, Spec("model-x", units_of("cci")))
    env = {k: v for k, v in os.environ.items() if k != "PYTHONPATH"}
    read, write = os.pipe()
    os.close(read)  # nobody will read: the first flush meets a broken pipe
    with os.fdopen(write, "wb") as stdout:
        result = subprocess.run([str(_script()), "runs", "--no-html", "--report-dir", str(tmp_path)],
                                cwd=tmp_path, env=env, stdout=stdout, stderr=subprocess.PIPE, timeout=120,
                                check=False)
    assert result.returncode == 141
    assert b"Traceback" not in result.stderr and b"BrokenPipeError" not in result.stderr, result.stderr
