"""Per-run figures for cross-run pages: per dataset, pooled and mean over datasets, with Wilson intervals.

Computed from the unit table (not from summary.json's metric blocks), so that runs written by older code and
REST+ runs (restricted to the default rendering) give figures defined the same way.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from pytest_restgate.reports.metrics import OCR_OK, average, summary
from pytest_restgate.reports.stats import wilson_interval

if TYPE_CHECKING:
    import pandas as pd  # run_figures is given a frame; the run's report (reports/html.py) needs only `interval`

INTERVAL_OF: dict[str, str] = {
    "rer": "n", "mmc": "n", "cfr": "n_cfr", "acc_text": "n", "acc_image": "n", "acc_mixed": "n",
    "ocr_exact_share": "n_cer", OCR_OK + "rer": OCR_OK + "n", OCR_OK + "mmc": OCR_OK + "n",
    OCR_OK + "cfr": OCR_OK + "n_cfr",
}
"""Each proportion and the count it is a share of (the n of its Wilson interval)."""


def interval(block: dict[str, Any], key: str) -> tuple[float, float] | None:
    """95% Wilson interval of a proportion in a `summary` block (None if undefined or not a proportion)."""
    value, n = block.get(key), block.get(INTERVAL_OF.get(key, ""))
    if value is None or not n:
        return None
    return wilson_interval(round(float(value) * int(n)), int(n))


def run_figures(frame: pd.DataFrame) -> dict[str, Any]:
    """{"datasets": {name: summary}, "pooled": summary, "mean": average over datasets} of a unit table."""
    if frame.empty:
        empty = summary(frame.iloc[0:0]) if len(frame.columns) else {}
        return {"datasets": {}, "pooled": empty, "mean": {}}
    datasets = {str(name): summary(g) for name, g in frame.groupby("dataset", sort=True)}
    return {"datasets": datasets, "pooled": summary(frame), "mean": average(datasets.values())}


def mean_interval(figures: dict[str, Any], key: str) -> tuple[float, float] | None:
    """The interval of a mean over datasets: the Wilson interval when there is one dataset; None otherwise
    (an average of proportions over datasets of different sizes is not a proportion; see per-dataset rows)."""
    datasets = figures.get("datasets") or {}
    if len(datasets) == 1:
        return interval(next(iter(datasets.values())), key)
    return None
