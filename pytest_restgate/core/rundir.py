"""Where a run's outputs go: one folder per run under reports/runs/ (git-ignored), named by time and model.

A run folder holds a `RUNNING` marker from its start until summary.json lands, so a folder whose run was
killed (SIGKILL, a CI timeout) is recognisable as unfinished; a run stopped by a usage error leaves no folder.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import socket
import time
from pathlib import Path

import pytest

REPORTS_ROOT = Path("reports") / "runs"
"""`./reports/runs`, in the folder the run (or `restgate runs`) starts in: a clone's root (git-ignored there), or any
folder where an installed wheel runs (never beside the code, which may sit in a read-only site-packages)."""


def run_id(model: str, now: float | None = None) -> str:
    """`20261125-193000-claude-haiku-4.5`: sortable by time, readable by model."""
    stamp = time.strftime("%Y%m%d-%H%M%S", time.localtime(now))
    slug = re.sub(r"[^A-Za-z0-9._-]+", "-", model).strip("-")[:60] or "model"
    return f"{stamp}-{slug}"


RUNNING = "RUNNING"
"""The marker of a run folder whose run has not finished (written at start, removed after summary.json)."""


def make_run_dir(root: Path | None, model: str) -> Path:
    """Create a fresh run folder with its `RUNNING` marker (a suffix keeps two runs in the same second apart).

    A report folder that cannot be written is a usage error here, at start-up, before any model call.
    """
    parent = root or REPORTS_ROOT.absolute()
    base = parent / run_id(model)
    try:
        base.parent.mkdir(parents=True, exist_ok=True)
        n = 1
        while True:
            path = base if n == 1 else base.with_name(f"{base.name}-{n}")
            try:
                path.mkdir()  # atomic: two runs starting in the same second cannot take the same folder
            except FileExistsError:
                n += 1
                continue
            break
    except OSError as exc:
        raise pytest.UsageError(
            f"--report-dir {parent}: cannot create a run folder there ({exc.strerror or exc}); "
            "give a writable folder"
        ) from None
    try:
        (path / RUNNING).write_text(json.dumps({  # who runs it: a listing tells a killed run from a live one
            "pid": os.getpid(), "host": socket.gethostname(), "model": model,
            "started": time.strftime("%Y-%m-%dT%H:%M:%S")}) + "\n")
    except OSError as exc:
        shutil.rmtree(path, ignore_errors=True)
        raise pytest.UsageError(
            f"--report-dir {parent}: cannot write in {path} ({exc.strerror or exc}); give a writable folder"
        ) from None
    return path


def mark_finished(run_dir: Path) -> None:
    """summary.json has landed: the run folder is no longer unfinished."""
    (run_dir / RUNNING).unlink(missing_ok=True)


def is_unfinished(run_dir: Path) -> bool:
    """True for a run folder whose run never wrote its summary (killed, or still running)."""
    return (run_dir / RUNNING).is_file()


def running_marker(run_dir: Path) -> dict[str, object]:
    """The RUNNING marker's facts (pid, host, model, started); {} when absent or unreadable. Markers of older
    runs read `pid N started T` and give the pid only."""
    try:
        text = (run_dir / RUNNING).read_text(encoding="utf-8").strip()
    except (OSError, UnicodeDecodeError):
        return {}
    try:
        data = json.loads(text)
    except json.JSONDecodeError:
        found = re.match(r"pid (\d+)", text)
        return {"pid": int(found[1])} if found else {}
    return data if isinstance(data, dict) else {}


def discard_run_dir(run_dir: Path) -> None:
    """Remove a folder this process created for a run that never started (a usage error): no empty folders."""
    shutil.rmtree(run_dir, ignore_errors=True)


def is_rest_run(config: pytest.Config) -> bool:
    """True when the run includes the benchmark (tests_rest/), not only the project's own tests (`pytest tests`).

    With `--pyargs` (an installed wheel: `--pyargs pytest_restgate.tests_rest`) the arguments are module names.
    """
    for arg in config.args:
        name = str(arg).split("::")[0]
        path = Path(name)
        if "tests_rest" in path.parts or (path.is_dir() and (path / "tests_rest").is_dir()):
            return True
        if config.option.pyargs and "tests_rest" in name.split("."):
            return True
    return False
