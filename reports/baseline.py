"""Baselines: the unit table of a previous release's run, to gate on per-item regressions.

A baseline file is a run's summary.json (or the file `--save-baseline` writes, which is the same document):
it carries `units`, one row per evaluation unit with its answers and verdicts.
"""

from __future__ import annotations

import json
import math
import shutil
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

import pytest

from pytest_restgate.core.summary import UNITS_FILE
from pytest_restgate.reports.prechecks import check_units
from pytest_restgate.reports.summaryfile import with_units


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
    except UnicodeDecodeError as exc:
        raise pytest.UsageError(
            f"--baseline {path}: not a text file ({exc.reason} at byte {exc.start}); give a summary.json"
        ) from None
    except RecursionError:
        raise pytest.UsageError(f"--baseline {path}: JSON nested too deeply; give a summary.json") from None
    except OSError as exc:
        raise pytest.UsageError(f"--baseline {path}: cannot read it ({exc.strerror or exc})") from None
    try:
        data = with_units(path, data) if isinstance(data, dict) else data
    except ValueError as exc:
        raise pytest.UsageError(f"--baseline {path}: {exc}; give a run folder's summary.json with its "
                                f"{UNITS_FILE}, or a --save-baseline file") from None
    if not isinstance(data, dict) or not isinstance(data.get("units"), list):
        raise pytest.UsageError(
            f"--baseline {path}: no 'units' list; give a restgate summary.json or a --save-baseline file"
        )
    check_units(path, data["units"])
    return data


def save_baseline(summary_path: Path, target: Path) -> None:
    """Copy this run's summary (atomically) to where the next release will compare against it: one file, with
    the unit rows inline that a run folder keeps beside its summary.json (reports/summaryfile.py)."""
    target.parent.mkdir(parents=True, exist_ok=True)
    tmp = target.with_name(target.name + ".tmp")
    data = json.loads(summary_path.read_text(encoding="utf-8"))
    if isinstance(data, dict) and data.get("units_file"):
        whole = {k: v for k, v in with_units(summary_path, data).items() if k not in ("units_file", "units_count")}
        tmp.write_text(json.dumps(whole, indent=2, ensure_ascii=False), encoding="utf-8")
    else:
        shutil.copyfile(summary_path, tmp)
    tmp.replace(target)


def _key_by_digest(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Unit rows keyed by content: `item_id` becomes the digest (the display id is kept aside)."""
    return [{**row, "display_id": row.get("item_id"), "item_id": row["digest"]} for row in rows if row.get("digest")]


def compare_units(previous: list[dict[str, Any]], current: list[dict[str, Any]],
                  regressions: Callable[[Any, Any], dict[str, Any]]) -> dict[str, Any]:
    """Flips between a baseline and this run, counted only on units whose digests match (same dataset, item
    content, gold, style, prompt and renderer versions; `reports.metrics.regressions` does the counting).

    Units on one side only are "not comparable" and counted. A baseline written before units carried digests
    has no comparable unit. When the runs share no unit at all, the RERs are compared instead (difference with
    a 95% Newcombe interval) and the result says so.
    """
    prev, cur = _key_by_digest(previous), _key_by_digest(current)
    result = regressions(prev, cur)
    shown = {row["item_id"]: row["display_id"] for row in [*prev, *cur]}
    for flips in ("newly_inconsistent", "newly_consistent"):
        result[flips] = [{**flip, "digest": flip["item_id"], "item_id": shown.get(flip["item_id"], flip["item_id"])}
                         for flip in result[flips]]
    result["matched_by"] = "digest"
    result["not_comparable"] = {
        "only_previous": result["n_only_previous"] + len(previous) - len(prev),
        "only_current": result["n_only_current"] + len(current) - len(cur),
    }
    result["rates"] = rate_difference(previous, current) if result["n_compared"] == 0 else None
    return result


def _scored(rows: list[dict[str, Any]]) -> tuple[int, int]:
    ok = [r for r in rows if not r.get("errored") and not r.get("incomplete")]
    return sum(1 for r in ok if r.get("consistent")), len(ok)


def rate_difference(previous: list[dict[str, Any]], current: list[dict[str, Any]]) -> dict[str, Any] | None:
    """RER now minus RER then, with Newcombe's hybrid score interval (method 10: from the two Wilson ones)."""
    from pytest_restgate.reports.stats import wilson_interval

    (x1, n1), (x2, n2) = _scored(previous), _scored(current)
    w1, w2 = wilson_interval(x1, n1), wilson_interval(x2, n2)
    if w1 is None or w2 is None:
        return None
    p1, p2 = x1 / n1, x2 / n2
    (l1, u1), (l2, u2) = w1, w2
    diff = p2 - p1
    low = diff - math.sqrt((p2 - l2) ** 2 + (u1 - p1) ** 2)
    high = diff + math.sqrt((u2 - p2) ** 2 + (p1 - l1) ** 2)
    return {"metric": "rer", "previous": p1, "n_previous": n1, "current": p2, "n_current": n2,
            "difference": diff, "interval": [low, high], "method": "Newcombe hybrid score (Wilson), 95%"}


def regression_of(baseline: Mapping[str, Any], summary: Mapping[str, Any]) -> dict[str, Any]:
    """Flips against the baseline, matched by unit content digest (never by display id)."""
    from pytest_restgate.reports.metrics import regressions  # pandas: only at the end of a run

    return compare_units(baseline["units"], summary["units"], regressions)
