"""What a run selected of its plan: the narrowing options given, and whether every planned unit was selected.

Why: a `-k` run of 10 units, an `--lf` rerun or a `--deselect` run used to be stored like a full run, and the
leaderboard took them as a model's latest. summary.json now says what was selected and whether the run covered
its plan (`plan.covered`); reports/many/status.py marks the run from that.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import pytest


def selection_of(config: pytest.Config, shard: str | None) -> dict[str, Any]:
    """The options that narrow a run, as given (only those set)."""
    option = config.option
    found: dict[str, Any] = {
        "keyword": getattr(option, "keyword", "") or None,
        "markexpr": getattr(option, "markexpr", "") or None,
        "last_failed": bool(getattr(option, "lf", False)) or None,
        "deselect": list(getattr(option, "deselect", None) or []) or None,
        "node_ids": [str(a) for a in config.args if "::" in str(a)] or None,
        "shard": shard,
    }
    return {k: v for k, v in found.items() if v is not None}


def param_id(nodeid: str) -> str:
    """`tests_rest/test_rest.py::test_rest[soebench/0007-ab12cd]` -> `soebench/0007-ab12cd` (REST+ ids keep
    their inner `[style]`)."""
    name = nodeid.rpartition("::")[2]
    _, bracket, rest = name.partition("[")
    return rest[:-1] if bracket and rest.endswith("]") else ""


def plan_block(plan: frozenset[str] | None, selected_nodeids: Iterable[str], complete: bool) -> dict[str, Any]:
    """`units` planned, `selected` of them, `covered`: every planned unit selected and the run complete.
    Without a plan (a run without the fixtures plugin) only `covered` from completeness is known."""
    if plan is None:
        return {"units": None, "selected": None, "covered": complete}
    chosen = plan & {param_id(n) for n in selected_nodeids}
    return {"units": len(plan), "selected": len(chosen), "covered": complete and len(chosen) == len(plan)}


__all__ = ["param_id", "plan_block", "selection_of"]
