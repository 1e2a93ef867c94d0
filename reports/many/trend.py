"""One model's runs over time: RER / CFR / MMC per run, so a slow drift across releases is visible.

A run belongs to the model when its alias or its resolved model id is the name asked for.
"""

from __future__ import annotations

from html import escape
from pathlib import Path
from typing import Any

from pytest_restgate.reports.many.charts import COLOURS, trend_lines
from pytest_restgate.reports.many.figures import interval, run_figures
from pytest_restgate.reports.many.pages import fmt, link, page, table, with_ci
from pytest_restgate.reports.many.runs import Run, report_of, unit_frame
from pytest_restgate.reports.many.status import choose, mark_text

SERIES = (("rer", "RER", COLOURS["rer"]), ("cfr", "CFR", COLOURS["cfr"]), ("mmc", "MMC", COLOURS["mmc"]),
          ("ocr_ok_rer", "OCR-ok RER", "#64b5cd"))


def runs_of(model: str, runs: list[Run], include_partial: bool = False) -> list[Run]:
    """The model's full runs (an `--lf` or `-k` run is no dip in the model's RER); with `include_partial`
    every run of it, marked."""
    return choose([r for r in runs if model in (r.model, r.info.model_id)], include_partial)


def points(runs: list[Run]) -> list[tuple[Run, dict[str, Any]]]:
    """(run, its pooled figures), oldest first."""
    return [(r, run_figures(unit_frame(r))["pooled"]) for r in runs]


def trend_lines_text(model: str, found: list[tuple[Run, dict[str, Any]]]) -> list[str]:
    lines = [f"{model}: {len(found)} run(s), oldest first",
             f"{'started':<20}{'n':>5}{'RER':>7}{'CFR':>7}{'MMC':>7}{'ok-RER':>8}  folder"]
    for run, f in found:
        cells = "".join(("-" if f.get(k) is None else f"{f[k]:.3f}").rjust(w)
                        for k, w in (("rer", 7), ("cfr", 7), ("mmc", 7), ("ocr_ok_rer", 8)))
        marked = mark_text(run)
        lines.append(f"{run.started.replace('T', ' ')[:19]:<20}{f.get('n', 0):>5}{cells}  {run.name}"
                     + (f"  [{marked}]" if marked else ""))
    return lines


def _run_cell(run: Run, base: Path) -> str:
    report = report_of(run)
    cell = link(report, base, run.name) if report is not None else escape(run.name)
    marked = mark_text(run)
    return cell + (f' <span class="mark">{escape(marked)}</span>' if marked else "")


def trend_html(model: str, found: list[tuple[Run, dict[str, Any]]], base: Path) -> str:
    labels = [(run.started.replace("T", " ")[:16] or run.name) + (" *" if mark_text(run) else "") for run, _ in found]
    chart = trend_lines(list(zip(labels, [f for _, f in found], strict=True)), SERIES,
                        title=f"{model}: RER / CFR / MMC per run")
    rows = [[fmt(label), _run_cell(run, base), fmt(f.get("n")),
             *(with_ci(f.get(k), interval(f, k)) for k, _, _ in SERIES), fmt(run.info.seed),
             escape(str(run.summary.versions.get("restgate", "–")))]
            for label, (run, f) in zip(labels, found, strict=True)]
    body = chart + table(["started", "run", "n", *(label for _, label, _ in SERIES), "seed", "restgate"],
                         rows[::-1], ident="restgate-trend")
    body += ('<p class="note">Each point is one run folder of this model: figures pooled over datasets, primary '
             "strategy, default rendering; full runs only unless --all-runs (then marked, * on the chart). Runs "
             "with other seeds or "
             "datasets ask "
             "other questions: compare like with like (<code>restgate compare</code> shows what two runs share)."
             "</p>")
    return page(f"restgate trend: {model}", f"{len(found)} run(s), newest last on the chart", body)
