"""Which figure a gate judges: all units or the OCR-correct subset, pooled over units or averaged over datasets.

Why: the paper's headline RER and CFR are each model's figures on its OCR-correct subset (units whose
transcription was exact, so any inconsistency left is not a perception error), averaged over datasets. A user
who gates on restgate's pooled figure over all units judges a different quantity. `--gate-subset` and
`--gate-mean` choose the figure; `PAPER` is the paper's choice, which every summary also reports as
`metrics.paper` beside the pooled and dataset-mean rows.

Intervals (for `--gate-on=lower-bound`): pooled figures use the Wilson interval of the pooled units (all, or
the OCR-correct ones); a mean over datasets uses the MOVER interval built from the per-dataset Wilson intervals
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


def paper_block(summary: dict[str, Any]) -> dict[str, Any]:
    """The paper's figure of this run: RER, CFR, MMC and accuracies on the OCR-correct subset, mean over
    datasets, with 95% MOVER intervals of RER, CFR and MMC (summary["metrics"]["paper"])."""
    from pytest_restgate.reports.metrics import jsonable

    macro = summary["metrics"].get("macro") or {}
    intervals = gate_intervals(summary, PAPER)[OVERALL]
    figures = {k: macro.get(OCR_OK + k) for k in ("rer", "cfr", "mmc", "acc_text", "acc_image", "acc_mixed")}
    return jsonable({
        "figure": PAPER.describe, "subset": PAPER.subset, "mean": PAPER.mean,
        "n": macro.get(OCR_OK + "n"), "n_datasets": macro.get("n_groups"), **figures,
        "intervals": {m: _as_list(intervals[m]) for m in GATED_METRICS},
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
