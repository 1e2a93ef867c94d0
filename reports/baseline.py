"""Baselines: the unit table of a previous release's run, to gate on per-item regressions.

A baseline file is a run's summary.json (or the file `--save-baseline` writes, which is the same document):
it carries `units`, one row per evaluation unit with its answers and verdicts.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import Any

import pytest


def load_baseline(path: Path) -> dict[str, Any]:
    """Read a baseline, with a message that names the file and what to do when it is not one."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise pytest.UsageError(
            f"--baseline {path}: no such file; write one with --save-baseline {path} on the release you trust"
        ) from None
    except json.JSONDecodeError as exc:
        raise pytest.UsageError(f"--baseline {path}: not JSON ({exc})") from None
    if not isinstance(data, dict) or not isinstance(data.get("units"), list):
        raise pytest.UsageError(
            f"--baseline {path}: no 'units' list; give a restgate summary.json or a --save-baseline file"
        )
    return data


def save_baseline(summary_path: Path, target: Path) -> None:
    """Copy this run's summary (atomically) to where the next release will compare against it."""
    target.parent.mkdir(parents=True, exist_ok=True)
    tmp = target.with_name(target.name + ".tmp")
    shutil.copyfile(summary_path, tmp)
    tmp.replace(target)
