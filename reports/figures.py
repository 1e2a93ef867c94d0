"""The paper's headline figure of a run, computed from its units: the OCR-correct subset, mean over datasets.

Why apart from the gate's figure choice (pytest_restgate/core/figure.py, which the judge reads): these compute
the figures from the unit rows at the end of a run and write them into the summary (`metrics.paper`,
`intervals_ocr_ok`); the judge only reads them back.
"""

from __future__ import annotations

from typing import Any

# reports.metrics and reports.stats are imported inside the functions that compute figures, on the controller
# at the end of a run: `pytest --co` and `pytest -h` load this module through the plugin.
from pytest_restgate.core.figure import GATED_METRICS, PAPER, Interval, mean_interval, pair
from pytest_restgate.core.records import OCR_OK


def paper_block(unit_table: Any, style: str | None) -> dict[str, Any]:
    """The paper's figure of this run (summary["metrics"]["paper"]): RER, CFR, MMC and accuracies on the
    OCR-correct subset, mean over datasets, with 95% MOVER intervals of RER, CFR and MMC, on the units of the
    default rendering `style` only (the paper's headline is REST; a REST+ run keeps its per-style figures in
    `styles`). `by_dataset` holds each dataset's own figure, which per-dataset gates on this figure judge."""
    from pytest_restgate.reports.metrics import average, jsonable, summary
    from pytest_restgate.reports.unitrows import as_rows, groups

    u = [r for r in as_rows(unit_table) if r["style"] == style] if style else as_rows(unit_table)
    datasets = {str(name): summary(g) for name, g in groups(u, "dataset").items()}
    macro = average(datasets.values())
    per_dataset = ocr_ok_intervals(u)["datasets"]
    figures = {k: macro.get(OCR_OK + k) for k in ("rer", "cfr", "mmc", "acc_text", "acc_image", "acc_mixed")}
    by_dataset = {name: {"n": d.get(OCR_OK + "n"), **{m: d.get(OCR_OK + m) for m in GATED_METRICS},
                         "intervals": {m: _as_list(pair(per_dataset[name].get(m))) for m in GATED_METRICS}}
                  for name, d in datasets.items()}
    return jsonable({
        "figure": PAPER.describe, "subset": PAPER.subset, "mean": PAPER.mean, "rendering": style or "all",
        "n": macro.get(OCR_OK + "n"), "n_datasets": macro.get("n_groups"), "datasets": sorted(datasets),
        **figures,
        "intervals": {m: _as_list(mean_interval(per_dataset, m)) for m in GATED_METRICS},
        "by_dataset": by_dataset,
    })


def _as_list(interval: Interval | None) -> list[float] | None:
    return None if interval is None else [interval[0], interval[1]]


def ocr_ok_intervals(unit_table: Any) -> dict[str, Any]:
    """Wilson intervals of RER, MMC and CFR on the OCR-correct units, pooled and per dataset."""
    from pytest_restgate.reports.stats import metric_intervals
    from pytest_restgate.reports.unitrows import as_rows, groups, missing

    rows = as_rows(unit_table)
    ok = [r for r in rows if not missing(r["ocr_correct"]) and bool(r["ocr_correct"])]
    datasets = {str(name): metric_intervals([r for r in ok if r["dataset"] == name])
                for name in groups(rows, "dataset")}
    return {"overall": metric_intervals(ok), "datasets": datasets}
