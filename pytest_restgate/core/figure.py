"""Which figure a gate judges: all units or the OCR-correct subset, pooled over units or averaged over datasets.

Why: the paper's headline RER and CFR are each model's figures on its OCR-correct subset (units whose
transcription was exact, so any inconsistency left is not a perception error), averaged over datasets. A user
who gates on restgate's pooled figure over all units judges a different quantity. `--gate-subset` and
`--gate-mean` choose the figure; `PAPER` is the paper's choice, which every summary also reports as
`metrics.paper` beside the pooled and dataset-mean rows (reports/figures.py computes it). The paper's figure,
and a gate judged on it, uses the units of the default rendering only; other figures of a REST+ run pool its
renderings.

Intervals (for `--gate-on=lower-bound`): pooled figures use the Wilson interval the summary holds (clustered by
item for REST+, reports/clustered.py); a mean over datasets uses the MOVER interval built from the per-dataset
intervals (`mover_mean_interval`), because the mean of per-dataset bounds is not a valid interval for the mean.
On the typed ground because the one judge (core/judge.py) reads these; plain Python, no pandas.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import pytest

from pytest_restgate.core.gates import OVERALL
from pytest_restgate.core.records import OCR_OK

SUBSETS: tuple[str, ...] = ("all", "ocr-correct")
MEANS: tuple[str, ...] = ("pooled", "datasets")
GATED_METRICS: tuple[str, ...] = ("rer", "cfr", "mmc")
Interval = tuple[float, float]


@dataclass(frozen=True)
class Figure:
    """The figure a gate judges: `subset` of units (all, ocr-correct), and `mean` (pooled, datasets)."""

    subset: str = "all"
    mean: str = "pooled"

    def __post_init__(self) -> None:
        if self.subset not in SUBSETS:
            raise pytest.UsageError(f"--gate-subset: {self.subset!r} is not one of {', '.join(SUBSETS)}")
        if self.mean not in MEANS:
            raise pytest.UsageError(f"--gate-mean: {self.mean!r} is not one of {', '.join(MEANS)}")

    @property
    def describe(self) -> str:
        """How a gate line names the figure: 'OCR-correct subset, mean over datasets'."""
        subset = "all units" if self.subset == "all" else "OCR-correct subset"
        mean = "pooled" if self.mean == "pooled" else "mean over datasets"
        return f"{subset}, {mean}"

    def key(self, metric: str) -> str:
        """The metrics-table key of `metric` on this subset (`rer` or `ocr_ok_rer`)."""
        return metric if self.subset == "all" else OCR_OK + metric


PAPER = Figure("ocr-correct", "datasets")
"""The paper's headline figure: each model's OCR-correct subset, mean over datasets."""


def gate_figures(summary: dict[str, Any], figure: Figure) -> dict[str, dict[str, float | None]]:
    """scope (overall or a dataset) -> metric -> value, as `figure` defines them.

    A dataset's own figure is the same under both means (the mean over one dataset is that dataset).
    """
    metrics = summary["metrics"]
    paper = metrics.get("paper") or {}
    if figure == PAPER and "by_dataset" in paper:  # the default rendering only (paper_block)
        return {OVERALL: {m: paper.get(m) for m in GATED_METRICS},
                **{name: {m: b.get(m) for m in GATED_METRICS} for name, b in paper["by_dataset"].items()}}
    overall = metrics["micro" if figure.mean == "pooled" else "macro"] or {}
    out = {OVERALL: {m: overall.get(figure.key(m)) for m in GATED_METRICS}}
    for name, block in (metrics.get("datasets") or {}).items():
        out[name] = {m: block.get(figure.key(m)) for m in GATED_METRICS}
    return out


def pair(block: dict[str, Any] | None) -> Interval | None:
    if not block or block.get("low") is None or block.get("high") is None:
        return None
    return float(block["low"]), float(block["high"])


def gate_intervals(summary: dict[str, Any], figure: Figure) -> dict[str, dict[str, Interval | None]]:
    """scope -> metric -> 95% interval of the figure `gate_figures` gives (see the module note for methods)."""
    paper = summary["metrics"].get("paper") or {}
    if figure == PAPER and "by_dataset" in paper:
        blocks = {OVERALL: paper["intervals"], **{name: b["intervals"] for name, b in paper["by_dataset"].items()}}
        return {scope: {m: None if not b.get(m) else (float(b[m][0]), float(b[m][1])) for m in GATED_METRICS}
                for scope, b in blocks.items()}
    if figure.subset == "all":
        pooled, per_dataset = summary["intervals"], summary["interval_by_dataset"]
    else:
        block = summary["intervals_ocr_ok"]
        pooled, per_dataset = block["overall"], block["datasets"]
    out: dict[str, dict[str, Interval | None]] = {
        name: {m: pair(b.get(m)) for m in GATED_METRICS} for name, b in per_dataset.items()
    }
    if figure.mean == "pooled":
        out[OVERALL] = {m: pair(pooled.get(m)) for m in GATED_METRICS}
    else:
        out[OVERALL] = {m: mean_interval(per_dataset, m) for m in GATED_METRICS}
    return out


def mean_interval(per_dataset: dict[str, dict[str, Any]], metric: str) -> Interval | None:
    """MOVER interval of the mean over the datasets that have the figure (as the macro mean skips the rest)."""
    estimates = [(float(b[metric]["value"]), float(b[metric]["low"]), float(b[metric]["high"]))
                 for b in per_dataset.values() if b.get(metric) and b[metric].get("value") is not None]
    return mover_mean_interval(estimates)


def mover_mean_interval(
    estimates: Sequence[tuple[float, float, float]],
) -> tuple[float, float] | None:
    """Confidence interval of the unweighted mean of independent proportions, from their own intervals.

    `estimates` are (value, low, high) per group (e.g. per-dataset Wilson intervals). The mean of the bounds
    is not an interval for the mean of the values (it is far too wide: it ignores that errors partly cancel);
    this is the MOVER construction (Zou & Donner 2008, "method of variance estimates recovery"), which for
    the mean of K groups gives low = mean - sqrt(sum((v_k - l_k)^2)) / K and high = mean + sqrt(sum((u_k -
    v_k)^2)) / K. With one group it is that group's interval; with Wilson inputs it keeps Wilson's behaviour
    near 0 and 1. None when there is no group.
    """
    if not estimates:
        return None
    tolerance = 1e-9  # a Wilson bound at p = 1 computes as 0.9999999999999999
    for value, low, high in estimates:
        if not low - tolerance <= value <= high + tolerance:
            raise ValueError(f"need low <= value <= high for every group, got {(value, low, high)}")
    estimates = [(v, min(lo, v), max(hi, v)) for v, lo, hi in estimates]
    k = len(estimates)
    mean = sum(v for v, _, _ in estimates) / k
    down = math.sqrt(sum((v - lo) ** 2 for v, lo, _ in estimates)) / k
    up = math.sqrt(sum((hi - v) ** 2 for v, _, hi in estimates)) / k
    return max(0.0, mean - down), min(1.0, mean + up)


def describe_scope(figure: Figure, scope: str) -> str:
    """What a gate on `scope` judges: the whole run's figure, or a dataset's own (no mean is involved)."""
    if scope == OVERALL:
        return figure.describe
    return "all units" if figure.subset == "all" else "OCR-correct subset"
