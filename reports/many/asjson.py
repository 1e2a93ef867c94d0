"""`--json` of `restgate runs | leaderboard | compare | trend`: what the text shows, for scripts and CI steps.

Why a module of its own: the text and HTML views format for people; a script wants the same figures as
numbers (shares in [0, 1], None where undefined), with each run's folder so it can open the files.
"""

from __future__ import annotations

import json
from typing import Any

from pytest_restgate.reports.many.compare import Comparison
from pytest_restgate.reports.many.index import run_row
from pytest_restgate.reports.many.leaderboard import Entry
from pytest_restgate.reports.many.runs import Run
from pytest_restgate.reports.metrics import jsonable

FLIP_FIELDS = ("item_id", "style", "gold", "answer_text", "answer_image", "answer_mixed", "consistent")


def dumps(value: Any) -> str:
    return json.dumps(jsonable(value), indent=2, ensure_ascii=False, default=str)


def run_ref(run: Run) -> dict[str, Any]:
    """Which run: folder name and path, model, start time, and the verdict words summary.json holds."""
    return {"name": run.name, "path": str(run.path), "model": run.model, "started": run.started,
            "complete": run.complete, "verdict": run.summary.verdict,
            "gate_passed": run.summary.gate_passed}


def runs_json(runs: list[Run]) -> str:
    """`restgate runs --json`: one object per run folder, newest first, as the index lists them."""
    return dumps([{**run_ref(r), **run_row(r)} for r in reversed(runs)])


def leaderboard_json(found: list[Entry]) -> str:
    """`restgate leaderboard --json`: the ranked rows, each with pooled, mean and per-dataset figures."""
    return dumps([{"rank": i, **run_ref(e.run), "figures": e.figures} for i, e in enumerate(found, start=1)])


def compare_json(c: Comparison) -> str:
    """`restgate compare --json`: deltas with their intervals, and the flipped units with both runs' answers."""
    flips = []
    for _, row in c.flips.iterrows():
        flip = {"direction": row.get("direction")}
        for side in ("a", "b"):
            flip[side] = {f: row.get(f"{f}_{side}") for f in FLIP_FIELDS}
        flips.append(flip)
    return dumps({"a": run_ref(c.a), "b": run_ref(c.b), "matched_by": c.matched_by, "n_shared": c.n_shared,
                  "n_only_a": c.n_only_a, "n_only_b": c.n_only_b, "deltas": c.deltas, "flips": flips})


def trend_json(model: str, found: list[tuple[Run, dict[str, Any]]]) -> str:
    """`restgate trend --json`: the model's runs oldest first, each with its pooled figures."""
    return dumps({"model": model, "runs": [{**run_ref(r), "figures": f} for r, f in found]})


__all__ = ["compare_json", "leaderboard_json", "runs_json", "trend_json"]
