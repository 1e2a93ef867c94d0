"""Which figure a gate judges: all units or the OCR-correct subset, pooled over units or averaged over datasets.

Why: the paper's headline RER and CFR are each model's figures on its OCR-correct subset (units whose
transcription was exact, so any inconsistency left is not a perception error), averaged over datasets. A user
who gates on restgate's pooled figure over all units judges a different quantity. `--gate-subset` and
`--gate-mean` choose the figure; `PAPER` is the paper's choice, which every summary also reports as
`metrics.paper` beside the pooled and dataset-mean rows. The paper's figure, and a gate judged on it, uses the
units of the default rendering only (the paper's headline is REST, one rendering per item); other figures of a
REST+ run pool its renderings.

Intervals (for `--gate-on=lower-bound`): pooled figures use the Wilson interval of the pooled units (all, or
the OCR-correct ones), or, when an item has several units (REST+ renderings), the interval clustered by item
(reports/clustered.py); a mean over datasets uses the MOVER interval built from the per-dataset intervals
(`stats.mover_mean_interval`), because the mean of per-dataset bounds is not a valid interval for the mean.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import pytest

if TYPE_CHECKING:
    import pandas as pd

# pandas (reports.metrics, reports.stats) is imported inside the functions that compute figures,
# on the controller at the end of a run: `pytest --co` and `pytest -h` load this module through the plugin.
from pytest_restgate.core.records import OCR_OK

SUBSETS: tuple[str, ...] = ("all", "ocr-correct")
MEANS: tuple[str, ...] = ("pooled", "datasets")
GATED_METRICS: tuple[str, ...] = ("rer", "cfr", "mmc")
OVERALL = "overall"
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


def _pair(block: dict[str, Any] | None) -> Interval | None:
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
        name: {m: _pair(b.get(m)) for m in GATED_METRICS} for name, b in per_dataset.items()
    }
    if figure.mean == "pooled":
        out[OVERALL] = {m: _pair(pooled.get(m)) for m in GATED_METRICS}
    else:
        out[OVERALL] = {m: _mean_interval(per_dataset, m) for m in GATED_METRICS}
    return out


def _mean_interval(per_dataset: dict[str, dict[str, Any]], metric: str) -> Interval | None:
    """MOVER interval of the mean over the datasets that have the figure (as the macro mean skips the rest)."""
    estimates = [(float(b[metric]["value"]), float(b[metric]["low"]), float(b[metric]["high"]))
                 for b in per_dataset.values() if b.get(metric) and b[metric].get("value") is not None]
    from pytest_restgate.reports.stats import mover_mean_interval

    return mover_mean_interval(estimates)


def paper_block(unit_frame: pd.DataFrame, style: str | None) -> dict[str, Any]:
    """The paper's figure of this run (summary["metrics"]["paper"]): RER, CFR, MMC and accuracies on the
    OCR-correct subset, mean over datasets, with 95% MOVER intervals of RER, CFR and MMC, on the units of the
    default rendering `style` only (the paper's headline is REST; a REST+ run keeps its per-style figures in
    `styles`). `by_dataset` holds each dataset's own figure, which per-dataset gates on this figure judge."""
    from pytest_restgate.reports.metrics import average, jsonable, summary

    u = unit_frame[unit_frame["style"] == style] if style and len(unit_frame) else unit_frame
    datasets = {str(name): summary(g) for name, g in u.groupby("dataset", sort=True)} if len(u) else {}
    macro = average(datasets.values())
    per_dataset = ocr_ok_intervals(u)["datasets"]
    figures = {k: macro.get(OCR_OK + k) for k in ("rer", "cfr", "mmc", "acc_text", "acc_image", "acc_mixed")}
    by_dataset = {name: {"n": d.get(OCR_OK + "n"), **{m: d.get(OCR_OK + m) for m in GATED_METRICS},
                         "intervals": {m: _as_list(_pair(per_dataset[name].get(m))) for m in GATED_METRICS}}
                  for name, d in datasets.items()}
    return jsonable({
        "figure": PAPER.describe, "subset": PAPER.subset, "mean": PAPER.mean, "rendering": style or "all",
        "n": macro.get(OCR_OK + "n"), "n_datasets": macro.get("n_groups"), "datasets": sorted(datasets),
        **figures,
        "intervals": {m: _as_list(_mean_interval(per_dataset, m)) for m in GATED_METRICS},
        "by_dataset": by_dataset,
    })


def _as_list(interval: Interval | None) -> list[float] | None:
    return None if interval is None else [interval[0], interval[1]]


def describe_scope(figure: Figure, scope: str) -> str:
    """What a gate on `scope` judges: the whole run's figure, or a dataset's own (no mean is involved)."""
    if scope == OVERALL:
        return figure.describe
    return "all units" if figure.subset == "all" else "OCR-correct subset"


def ocr_ok_intervals(unit_frame: pd.DataFrame) -> dict[str, Any]:
    """Wilson intervals of RER, MMC and CFR on the OCR-correct units, pooled and per dataset."""
    from pytest_restgate.reports.stats import metric_intervals

    ok = unit_frame[unit_frame["ocr_correct"].astype(bool)] if len(unit_frame) else unit_frame
    datasets = {str(name): metric_intervals(ok[ok["dataset"] == name])
                for name in sorted(unit_frame["dataset"].dropna().unique())} if len(unit_frame) else {}
    return {"overall": metric_intervals(ok), "datasets": datasets}
