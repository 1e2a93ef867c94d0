"""`restgate run`: the suite through pytest from any folder (pytest_restgate/launch.py)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from pytest_restgate.launch import SUITE_ARGS

REPO = Path(__file__).resolve().parents[1]


def _restgate(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PYTHONPATH": str(REPO)}  # this tree's code, whatever the environment installed
    return subprocess.run([sys.executable, "-m", "pytest_restgate.cli", *args], cwd=cwd, env=env,
                          capture_output=True, text=True, timeout=120, check=False)


def test_run_is_the_documented_pytest_command() -> None:
    assert SUITE_ARGS == ("-p", "pytest_restgate.plugin", "--pyargs", "pytest_restgate.tests_rest")
    assert "pytest -p pytest_restgate.plugin --pyargs pytest_restgate.tests_rest" in (REPO / "README.md").read_text()


def test_run_help_shows_the_suites_options_from_any_folder(tmp_path: Path) -> None:
    listing = _restgate("--help", cwd=tmp_path)
    assert listing.returncode == 0, listing.stderr
    assert "run the suite here" in listing.stdout
    result = _restgate("run", "--help", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    for option in ("--model=", "--limit=", "--report-dir=", "--response-cache-dir="):
        assert option in result.stdout
    assert list(tmp_path.iterdir()) == []  # --help writes nothing
