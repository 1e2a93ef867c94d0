"""A run folder's summary on disk: summary.json and, beside it, the run's unit rows (units.jsonl).

Why two files: the unit rows grow with the run (about 540 bytes each: 8 MB at 15,000 units, REST+ at 1,500 items)
while everything else in the summary is a few tens of KB. summary.json, which every listing reads for every
folder, stays small (issue 26: at most 1 MB at that size); what needs the rows (a baseline, `compare`,
`leaderboard`, `trend`) reads them from the file summary.json names. The document the run built
(`reports.summary.build_summary`) is unchanged in memory; only its writing splits it.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from pytest_restgate.core.summary import UNIT_KEY, UNITS_FILE, Summary, split_units, unit_problem
from pytest_restgate.reports.many.folders import read_jsonl
from pytest_restgate.reports.many.pages import write_page

SUMMARY_FILE = "summary.json"


def write_summary(run_dir: Path, doc: dict[str, Any], *, units: bool = True) -> Path:
    """Write the unit rows, then summary.json naming them (each atomically); the summary's path. `units=False`
    rewrites summary.json alone, over the rows written before (the run's release verdict, added at its end)."""
    head, rows = split_units(doc)
    if units:
        write_page(run_dir / str(head["units_file"]), "".join(json.dumps(u, ensure_ascii=False) + "\n" for u in rows))
    return write_page(run_dir / SUMMARY_FILE, json.dumps(head, indent=2, ensure_ascii=False))


def unit_rows(run_dir: Path, summary: Summary) -> list[dict[str, Any]]:
    """The run's unit rows: from the file its summary names, or inline in a summary written before the split.
    A row of the wrong shape is a ValueError naming the file (the `restgate` commands print it as one line)."""
    if not summary.units_file:
        return [dict(u) for u in summary.units]
    rows = read_jsonl(run_dir / summary.units_file)
    for n, row in enumerate(rows):
        problem = unit_problem(row, UNIT_KEY)
        if problem:
            raise ValueError(f"{run_dir / summary.units_file}: unit row {n} {problem}; rerun, or remove the folder")
    return rows


def with_units(summary_path: Path, data: dict[str, Any]) -> dict[str, Any]:
    """A summary document read from `summary_path` with its unit rows inline (as the run built it); ValueError
    when the rows it names are missing or torn."""
    name = data.get("units_file")
    if name is None or isinstance(data.get("units"), list):
        return data
    path = summary_path.parent / str(name)
    if name != UNITS_FILE or not path.is_file():
        raise ValueError(f"its unit rows ({name}) are not beside it")
    rows = read_jsonl(path)
    if data.get("units_count") is not None and len(rows) != data["units_count"]:
        raise ValueError(f"{path.name} holds {len(rows)} unit rows, summary.json recorded {data['units_count']}")
    return {**data, "units": rows}


def read_document(run_dir: Path) -> dict[str, Any]:
    """summary.json of a run folder with its unit rows inline: the document the run built."""
    path = run_dir / SUMMARY_FILE
    return with_units(path, json.loads(path.read_text(encoding="utf-8")))


__all__ = ["SUMMARY_FILE", "read_document", "unit_rows", "with_units", "write_summary"]
