"""Join the similarity with the run's verdicts: per item (point-biserial) and across runs (Pearson, R²).

Per item: does an item whose two forms sit closer inside the model get answered consistently more often?
Across runs (one per model): does a model's similarity track its RER, as the paper found (R² ≈ 0.61)? The RER is
the paper's headline figure (`headline_rer`), the one its R² was computed against.
"""

from __future__ import annotations

import json
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pandas as pd

from pytest_restgate.core.summary import Summary
from pytest_restgate.reports.representation.source import SourceError, read_summary

PAPER_R2 = 0.61
"""The paper's R² of representation similarity against RER across models (arXiv 2512.08923, RQ4)."""
DEFAULT_STYLE = "dejavu-200dpi"
"""The REST rendering the representation runner feeds (renderers.REST_DEFAULT)."""


def read_records(run_dir: Path) -> pd.DataFrame:
    """results.jsonl of a run folder as a frame (a truncated last line, from a killed run, is skipped)."""
    path = run_dir / "results.jsonl"
    if not path.is_file():
        raise SourceError(f"{run_dir} has no results.jsonl: pass a restgate run folder")
    rows = []
    for line in path.read_text(encoding="utf-8").splitlines():
        try:
            rows.append(json.loads(line))
        except json.JSONDecodeError:
            continue
    return pd.DataFrame(rows)


def consistency_by_item(run_dir: Path) -> dict[str, bool]:
    """item id -> answered identically in text, image and mixed (scored units of the default rendering only)."""
    from pytest_restgate.reports.metrics import scored, units

    summary = read_summary(run_dir)
    frame = read_records(run_dir)
    if frame.empty:
        return {}
    style = summary.run.default_style or DEFAULT_STYLE
    strategy = summary.primary_strategy or "direct"
    frame = frame[(frame["style"] == style) & (frame["strategy"] == strategy)]
    unit_frame = scored(units(frame))
    return {str(r.item_id): bool(r.consistent) for r in unit_frame.itertuples()}


@dataclass(frozen=True)
class Correlation:
    """A correlation with its sample size; r and p are None where it is undefined (n < 3, or no variance)."""

    n: int
    r: float | None
    p: float | None

    @property
    def r2(self) -> float | None:
        return None if self.r is None else self.r * self.r

    def as_json(self) -> dict[str, Any]:
        return {"n": self.n, "r": self.r, "r2": self.r2, "p": self.p}


def _finite(x: float) -> float | None:
    return float(x) if math.isfinite(x) else None


def point_biserial(similarity: Mapping[str, float], consistent: Mapping[str, bool]) -> Correlation:
    """Point-biserial r of per-item similarity against the consistency verdict, over the items in both."""
    from scipy.stats import pointbiserialr

    keys = [k for k in similarity if k in consistent]
    flags = [consistent[k] for k in keys]
    if len(keys) < 3 or len(set(flags)) < 2 or len({similarity[k] for k in keys}) < 2:
        return Correlation(len(keys), None, None)
    result = pointbiserialr([int(f) for f in flags], [similarity[k] for k in keys])
    return Correlation(len(keys), _finite(result.statistic), _finite(result.pvalue))


def pearson(xs: Sequence[float], ys: Sequence[float]) -> Correlation:
    """Pearson r across runs (one point per model)."""
    from scipy.stats import pearsonr

    if len(xs) < 3 or len(set(xs)) < 2 or len(set(ys)) < 2:
        return Correlation(len(xs), None, None)
    result = pearsonr(xs, ys)
    return Correlation(len(xs), _finite(result.statistic), _finite(result.pvalue))


def run_point(run_dir: Path) -> dict[str, Any]:
    """One model's point for the across-runs fit: its RER and its maximum mean cosine over layers.

    The maximum, not a fixed layer: models differ in depth and in where the two forms meet.
    """
    path = run_dir / "representation.json"
    if not path.is_file():
        raise SourceError(f"{run_dir} has no representation.json: run the analysis on it first")
    rep = json.loads(path.read_text(encoding="utf-8"))
    return {"run": str(run_dir), "model": rep.get("model"), "rer": headline_rer(read_summary(run_dir)),
            "similarity": rep["curve"]["maxima"]["cosine"]["max"]}


def headline_rer(summary: Summary) -> float | None:
    """The paper's headline RER of a run: OCR-correct subset, mean over datasets, default rendering
    (summary.json `metrics.paper`; a summary written before that block existed gives its macro `ocr_ok_rer`,
    the same mean). The paper's R² is against this figure, not the pooled all-unit RER."""
    paper = summary.metrics.paper or {}
    if "rer" in paper:
        return None if paper["rer"] is None else float(paper["rer"])
    value = summary.metrics.macro.get("ocr_ok_rer")
    return None if value is None else float(value)


def across_runs(points: Sequence[Mapping[str, Any]]) -> dict[str, Any]:
    """Pearson r and R² of similarity against RER over runs that have both, with the paper's R² beside."""
    usable = [p for p in points if p.get("rer") is not None and p.get("similarity") is not None]
    corr = pearson([float(p["similarity"]) for p in usable], [float(p["rer"]) for p in usable])
    return {"points": list(points), **corr.as_json(), "paper_r2": PAPER_R2}
