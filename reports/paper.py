"""The paper's published figures, and this run's measured figures beside them.

Why: a user who reads the paper wants to know whether restgate measures the same thing for the same model. The
figures live in one data file, `paper_figures.json` (RER and CFR in percent on each model's OCR-correct subset,
mean over datasets), which the run summary and the many-runs leaderboard both read. A run is matched to a
paper model by its alias or model id (case, dots and dashes ignored), so `gpt-5-mini` and
`gpt-5-mini-2025-08-07` both match GPT-5-mini.
"""

from __future__ import annotations

import json
import re
from functools import lru_cache
from pathlib import Path
from typing import Any

from pytest_restgate.reports.cells import text_figure as _f

PAPER_FIGURES = Path(__file__).resolve().parent / "paper_figures.json"
"""The published figures (see its `source` and `figure` fields)."""

COMPARED: tuple[str, ...] = ("rer", "cfr")


@lru_cache(maxsize=1)
def published() -> dict[str, Any]:
    """The contents of `paper_figures.json`."""
    data: dict[str, Any] = json.loads(PAPER_FIGURES.read_text(encoding="utf-8"))
    return data


def _norm(name: str) -> str:
    return re.sub(r"[^a-z0-9]", "", name.lower().rsplit("/", 1)[-1])


def paper_model(*names: str | None) -> dict[str, Any] | None:
    """The paper's entry for a run called `names` (alias, model id), or None when the paper did not test it."""
    wanted = [_norm(n) for n in names if n]
    for model in published()["models"]:
        for alias in model["aliases"]:
            key = _norm(alias)
            if any(w == key or w.startswith(key) for w in wanted):
                return dict(model)
    return None


def compare(paper_figure: dict[str, Any], *names: str | None) -> dict[str, Any] | None:
    """The paper's RER and CFR beside this run's (shares, not percents): difference, and whether the paper's
    value lies inside the measured 95% interval. None when the model is not one the paper measured."""
    model = paper_model(*names)
    if model is None:
        return None
    rows = {}
    for metric in COMPARED:
        paper = float(model[metric]) / 100.0
        measured = paper_figure.get(metric)
        interval = (paper_figure.get("intervals") or {}).get(metric)
        rows[metric] = {
            "paper": paper, "measured": measured,
            "difference": None if measured is None else measured - paper,
            "interval": interval,
            "paper_inside_interval": None if not interval else interval[0] <= paper <= interval[1],
        }
    return {"model": model["name"], "figure": published()["figure"], "source": published()["source"],
            "figures": rows}


def comparison_lines(comparison: dict[str, Any] | None) -> list[str]:
    """Terminal lines: the paper's figure beside the measured one."""
    if not comparison:
        return []
    lines = [f"paper ({comparison['model']}, OCR-correct subset, mean over datasets) vs this run:"]
    for metric, row in comparison["figures"].items():
        interval = row["interval"]
        where = {True: "; paper's value inside the measured 95% interval",
                 False: "; paper's value OUTSIDE the measured 95% interval",
                 None: "; nothing measured to compare it with" if row["measured"] is None
                 else "; no measured interval"}[row["paper_inside_interval"]]
        lines.append(
            f"  {metric.upper()} paper {row['paper']:.3f}, measured {_f(row['measured'])}"
            + (f" [{interval[0]:.3f}, {interval[1]:.3f}]" if interval else "")
            + (f", difference {row['difference']:+.3f}" if row["difference"] is not None else "")
            + where
        )
    return lines
