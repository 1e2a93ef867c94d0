"""What kind of run a folder holds: a full run, or one whose figures must not stand for the model unmarked.

Why: a leaderboard or a trend that takes a `-k` run of 10 units, a budget-stopped run or a killed run as a
model's "latest" misleads. Each run gets marks (killed, running, incomplete, budget-stopped, subset, shard);
a run without marks is full: complete, every planned unit selected, nothing refused by the budget. Old summaries
that predate the marks they would need are taken at their word.
"""

from __future__ import annotations

import os
import socket
from collections.abc import Mapping
from dataclasses import dataclass

from pytest_restgate.core.rundir import is_unfinished, running_marker
from pytest_restgate.reports.many.runs import Run


@dataclass(frozen=True)
class Mark:
    """One reason a run is not a full run: `kind` for code, `text` for a person."""

    kind: str
    text: str


def _pid_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # alive, owned by someone else
        return True
    except OSError:
        return False
    return True


def liveness(run: Run) -> Mark | None:
    """killed (RUNNING marker, its process gone), running (its process alive here), or None (finished)."""
    if not is_unfinished(run.path):
        return None
    marker = running_marker(run.path)
    pid, host = marker.get("pid"), marker.get("host")
    if isinstance(pid, int) and host in (None, socket.gethostname()) and _pid_alive(pid) and pid != os.getpid():
        return Mark("running", f"running (pid {pid})")
    where = f" on {host}" if host not in (None, socket.gethostname()) else ""
    return Mark("killed", f"killed: still marked RUNNING{where}, its process is gone")


def marks(run: Run) -> list[Mark]:
    """Every reason this run is not a full run, most serious first; [] for a full run."""
    found: list[Mark] = []
    alive = liveness(run)
    if alive is not None:
        found.append(alive)
    elif _complete(run) is False:
        done = run.summary.completeness
        why = done.incomplete_reason or "not every unit finished"
        found.append(Mark("incomplete", f"incomplete: {'?' if done.finished is None else done.finished} of "
                                        f"{'?' if done.planned is None else done.planned} tests ({why})"))
    refused = run.summary.usage.budget_exhausted
    if refused:
        found.append(Mark("budget-stopped", f"budget-stopped: {refused} call(s) not made (--max-cost)"))
    planned, selected = run.summary.plan.units, run.summary.plan.selected
    if planned is not None and selected is not None and selected < planned:
        how = describe_selection(run.summary.selection)
        found.append(Mark("subset", f"subset: {selected} of {planned} units selected{how}"))
    shard = run.info.shard
    if shard:
        found.append(Mark("shard", f"shard {shard}"))
    return found


def _complete(run: Run) -> bool | None:
    """The summary's `complete`; an older summary without it is taken as complete unless rebuilt."""
    recorded = run.summary.completeness.complete
    return (not run.rebuilt) if recorded is None else recorded


def describe_selection(selection: Mapping[str, object]) -> str:
    """` by -k 'soebench/001', --lf` (empty when nothing was given)."""
    parts = []
    for key, flag in (("keyword", "-k"), ("markexpr", "-m"), ("deselect", "--deselect"), ("node_ids", "node ids")):
        value = selection.get(key)
        if isinstance(value, list):
            value = ", ".join(str(v) for v in value[:2]) + (" ..." if len(value) > 2 else "")
        if value:
            parts.append(f"{flag} {value!r}" if key in ("keyword", "markexpr") else f"{flag} {value}")
    if selection.get("last_failed"):
        parts.append("--lf")
    return f" by {', '.join(parts)}" if parts else ""


def is_full(run: Run) -> bool:
    return not marks(run)


def choose(runs: list[Run], include_partial: bool) -> list[Run]:
    """The runs a leaderboard or trend may use: full runs only, unless asked for all (then marked)."""
    return list(runs) if include_partial else [r for r in runs if is_full(r)]


def mark_text(run: Run) -> str:
    """`; `-joined marks, or "" for a full run."""
    return "; ".join(m.text for m in marks(run))


__all__ = ["Mark", "choose", "describe_selection", "is_full", "liveness", "mark_text", "marks"]
