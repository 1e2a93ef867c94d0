"""The report's Duration column as the model's latency, not the time the test waited in the queue.

Why: a REST test only collects a unit whose calls were started long before (prefetched, many in flight), so
pytest's test duration is mostly queue wait and says nothing about the model. The column shows the longest call
of the unit instead (its calls run at once: the unit is ready when the slowest is); a cell from the response cache says
so in its title (the latency of the call that filled it). pytest-html sorts by the cell's text, so sorting follows.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from typing import Any

HEADER = "Duration (model)"
TITLE = "the unit's slowest model call; its calls run at once (cached: the latency when it was first answered)"


def header(cells: list[str]) -> None:
    """Rename pytest-html's Duration header in place (it keeps its sorting class)."""
    for i, cell in enumerate(cells):
        if 'data-column-type="duration"' in cell:
            cells[i] = cell.replace(">Duration<", f' title="{TITLE}">{HEADER}<')


def format_latency(seconds: float) -> str:
    """pytest-html's own format (`850 ms`, `00:00:03`), so its duration sort reads it."""
    if seconds < 1:
        return f"{round(seconds * 1000)} ms"
    whole = math.floor(seconds)
    return f"{whole // 3600:02d}:{whole % 3600 // 60:02d}:{whole % 60:02d}"


def row(cells: list[str], records: Sequence[Mapping[str, Any]]) -> None:
    """Put the unit's model latency into the row's duration cell (rows without records keep pytest's)."""
    timed = [float(r.get("latency_s") or 0.0) for r in records if not r.get("error")]
    if not timed:
        return
    cached = all(r.get("cached") for r in records)
    title = ' title="from the response cache: the latency when it was first answered"' if cached else ""
    for i, cell in enumerate(cells):
        if 'class="col-duration"' in cell:  # the text stays pytest-html's format: its sort parses it
            cells[i] = f'<td class="col-duration"{title}>{format_latency(max(timed))}</td>'



__all__ = ["format_latency", "header", "row"]
