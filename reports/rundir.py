"""Where a run's outputs go: one folder per run under reports/runs/ (git-ignored), named by time and model."""

from __future__ import annotations

import re
import time
from pathlib import Path

import pytest

REPORTS_ROOT = Path(__file__).resolve().parent / "runs"


def run_id(model: str, now: float | None = None) -> str:
    """`20261125-193000-claude-haiku-4.5`: sortable by time, readable by model."""
    stamp = time.strftime("%Y%m%d-%H%M%S", time.localtime(now))
    slug = re.sub(r"[^A-Za-z0-9._-]+", "-", model).strip("-")[:60] or "model"
    return f"{stamp}-{slug}"


def make_run_dir(root: Path | None, model: str) -> Path:
    """Create a fresh run folder (a suffix keeps two runs in the same second apart)."""
    base = (root or REPORTS_ROOT) / run_id(model)
    base.parent.mkdir(parents=True, exist_ok=True)
    n = 1
    while True:
        path = base if n == 1 else base.with_name(f"{base.name}-{n}")
        try:
            path.mkdir()  # atomic: two runs starting in the same second cannot take the same folder
        except FileExistsError:
            n += 1
            continue
        return path

def is_rest_run(config: pytest.Config) -> bool:
    """True when the run includes the benchmark (tests_rest/), not only the project's own tests (`pytest tests`)."""
    for arg in config.args:
        path = Path(str(arg).split("::")[0])
        if "tests_rest" in path.parts or (path.is_dir() and (path / "tests_rest").is_dir()):
            return True
    return False
