"""The leaderboard: the paper's headline table for the latest (or chosen) run of each model.

The paper's published rows are shown beside the measured ones, labelled as reference: they come from its
table (OCR-correct subset, mean over MMLU, ARC, GSM-Symbolic and SoEBench), not from any run here.
"""

from __future__ import annotations

from dataclasses import dataclass
from html import escape
from pathlib import Path
from typing import Any

from pytest_restgate.core.records import ANSWER_MODALITIES
from pytest_restgate.reports.many.charts import COLOURS, grouped_bars, ranked_bars
from pytest_restgate.reports.many.figures import interval, mean_interval, run_figures
from pytest_restgate.reports.many.pages import fmt, link, page, table, with_ci
from pytest_restgate.reports.many.runs import Run, report_of, unit_frame
from pytest_restgate.reports.many.status import choose, mark_text
from pytest_restgate.reports.stats import PAPER_REPORTED_T, cross_model_modality_tests

PAPER_SOURCE = "REST / REST+, arXiv 2512.08923: RER / CFR on the OCR-correct subset, mean over 4 datasets"
PAPER_ROWS: tuple[tuple[str, float, float], ...] = (
    ("GPT-5-mini", 0.907, 0.087), ("Claude Haiku 4.5", 0.903, 0.089), ("Qwen2.5-VL-32B", 0.847, 0.136),
    ("InternVL3-14B", 0.784, 0.196), ("GPT-4o-mini", 0.713, 0.260), ("Gemini 2.5 Flash Lite", 0.543, 0.403),
    ("Phi-4", 0.149, 0.823), ("DeepSeek-VL2-Tiny", 0.066, 0.980),
)
PAPER_T = PAPER_REPORTED_T
"""The t statistics the paper reports (pairing and unit not stated; see reports/stats.py)."""
CUT = "OCR-correct subset"
"""The cut of the accuracies the cross-model test compares: the paper's table's."""


@dataclass(frozen=True)
class Entry:
    """One model's row: its run and the figures computed from the run's units."""

    run: Run
    figures: dict[str, Any]


def latest_per_model(runs: list[Run], include_partial: bool = False) -> list[Run]:
    """The newest full run of each model (runs come oldest first), ordered by model name; with
    `include_partial` the newest of any kind (subset, incomplete, budget-stopped, killed, shard: marked)."""
    latest: dict[str, Run] = {}
    for run in choose(runs, include_partial):
        latest[run.model] = run
    return [latest[m] for m in sorted(latest)]


def entries(runs: list[Run]) -> list[Entry]:
    made = [Entry(r, run_figures(unit_frame(r))) for r in runs]
    return sorted(made, key=lambda e: -(e.figures["mean"].get("ocr_ok_rer") or -1.0))


def cross_model_tests(found: list[Entry]) -> dict[str, dict[str, Any]]:
    """Paired t-tests over models of accuracy on the OCR-correct subset, mean over datasets (reports/stats.py)."""
    result = cross_model_modality_tests([{"model": e.run.model, **e.figures["mean"]} for e in found])
    return {key: result[key] for key in ("text_vs_image", "image_vs_mixed")}


def leaderboard_lines(found: list[Entry]) -> list[str]:
    """`restgate leaderboard` in the terminal: the measured rows, then the paper's reference rows."""
    lines = [f"{'model':<31}{'OCR-ok RER':>11}{'OCR-ok CFR':>11}{'OCR-ok sh.':>11}{'MMC':>7}"
             f"{'text':>7}{'image':>7}{'mixed':>7}{'n':>6}  run"]
    for e in found:
        m = e.figures["mean"]
        cells = [m.get(k) for k in ("ocr_ok_rer", "ocr_ok_cfr", "ocr_exact_share", "mmc",
                                    "acc_text", "acc_image", "acc_mixed")]
        text = "".join(("-" if v is None else f"{v:.3f}").rjust(w) for v, w in zip(cells, (11, 11, 11, 7, 7, 7, 7),
                                                                                     strict=True))
        marked = mark_text(e.run)
        lines.append(f"{e.run.model[:30]:<31}{text}{m.get('n', 0):>6}  {e.run.name}"
                     + (f"  [{marked}]" if marked else ""))
    for name, rer, cfr in PAPER_ROWS:
        lines.append(f"{'paper: ' + name:<31}{rer:>11.3f}{cfr:>11.3f}{'':>11}   (reference, published)")
    for key, result in cross_model_tests(found).items():
        t = "-" if result["t"] is None else f"{result['t']:.2f}"
        why = f" ({result['note']})" if result.get("note") else ""
        lines.append(f"cross-model paired t {key.replace('_', ' ')} ({CUT} accuracy): t = {t} over "
                     f"{result['n']} model(s){why}; the paper reports t = {PAPER_T[key]} without stating its pairing")
    return lines


def _dataset_table(found: list[Entry]) -> str:
    keys = (("ocr_ok_rer", "OCR-ok RER"), ("ocr_ok_cfr", "OCR-ok CFR"), ("ocr_exact_share", "OCR-ok share"),
            ("rer", "RER"), ("mmc", "MMC"), ("acc_text", "acc text"), ("acc_image", "acc image"),
            ("acc_mixed", "acc mixed"))
    rows = []
    for e in found:
        blocks = [*e.figures["datasets"].items(), ("pooled", e.figures["pooled"])]
        for name, block in blocks:
            rows.append([escape(e.run.model), escape(name), fmt(block.get("n")),
                         *(with_ci(block.get(k), interval(block, k)) for k, _ in keys)])
    return table(["model", "dataset", "n", *(label for _, label in keys)], rows, ident="restgate-by-dataset")


def _model_cell(run: Run) -> str:
    marked = mark_text(run)
    return f"<b>{escape(run.model)}</b>" + (f' <span class="mark">{escape(marked)}</span>' if marked else "")


def _report_link(run: Run, base: Path) -> str:
    report = report_of(run)
    return link(report, base, run.name) if report is not None else escape(run.name)


def leaderboard_html(found: list[Entry], base: Path) -> str:
    rows, classes = [], []
    for e in found:
        m = e.figures["mean"]
        rows.append([
            _model_cell(e.run), _report_link(e.run, base),
            fmt(",".join(e.figures["datasets"])),
            with_ci(m.get("ocr_ok_rer"), mean_interval(e.figures, "ocr_ok_rer")),
            with_ci(m.get("ocr_ok_cfr"), mean_interval(e.figures, "ocr_ok_cfr")),
            with_ci(m.get("ocr_exact_share"), mean_interval(e.figures, "ocr_exact_share")),
            with_ci(m.get("mmc"), mean_interval(e.figures, "mmc")),
            *(with_ci(m.get(f"acc_{x}"), mean_interval(e.figures, f"acc_{x}")) for x in ANSWER_MODALITIES),
            fmt(m.get("n")),
        ])
        classes.append("")
    for name, rer, cfr in PAPER_ROWS:
        rows.append([f"paper: {escape(name)}", "reference (published)", "MMLU, ARC, GSM-Sym., SoEBench", fmt(rer),
                     fmt(cfr), "–", "–", "–", "–", "–", "–"])
        classes.append("ref")
    head = ["model", "run", "datasets", "OCR-ok RER", "OCR-ok CFR", "OCR-ok share", "MMC", "acc text", "acc image",
            "acc mixed", "n"]
    ranked = [(e.run.model, e.figures["mean"].get("ocr_ok_rer"), mean_interval(e.figures, "ocr_ok_rer"), False)
              for e in found] + [(f"paper: {n}", rer, None, True) for n, rer, _ in PAPER_ROWS]
    ranked.sort(key=lambda r: -(r[1] or 0.0))
    chart = ranked_bars(ranked, title="RER, OCR-correct subset (grey hatched: the paper's rows)",
                        xlabel="RER, OCR-correct subset, mean over datasets")
    accuracy = grouped_bars({e.run.model: e.figures["mean"] for e in found},
                            [("acc_text", "acc text", COLOURS["text"]), ("acc_image", "acc image", COLOURS["image"]),
                             ("acc_mixed", "acc mixed", COLOURS["mixed"])],
                            title="Accuracy per modality (mean over datasets)") if found else ""
    tests = []
    for key, r in cross_model_tests(found).items():
        tests.append([escape(key.replace("_", " ")), fmt(r["n"]), fmt(r["mean_diff"]), fmt(r["t"], 2),
                      fmt(r["p_value"], 4), fmt(PAPER_T[key], 1), escape(r.get("note") or "")])
    body = (
        table(head, rows, ident="restgate-leaderboard", row_classes=classes)
        + f'<p class="note">Measured rows: the latest full run of each model (complete, every planned unit selected, '
          f"no budget stop, not a shard; --all-runs takes any run, marked), or the runs named; primary strategy and "
          f"default rendering; intervals are 95% Wilson intervals, shown for a mean over datasets only when the "
          f"run has one dataset (per-dataset and pooled intervals below). Reference rows: {escape(PAPER_SOURCE)}; "
          f"they were not measured here.</p>"
        + f'<div class="flex">{chart}{accuracy}</div>'
        + "<h2>Cross-model modality tests</h2>"
        + table(["pair", "models", "mean diff", "t", "p", "paper t", "note"], tests, ident="restgate-cross-model")
        + '<p class="note">Paired t-test over the models shown of their accuracy (mean over datasets) in two '
          "modalities; the paper's t is over the models it measured, on its 4 datasets.</p>"
        + "<h2>Per dataset and pooled</h2>" + _dataset_table(found)
    )
    return page("restgate leaderboard", f"{len(found)} model(s) measured, {len(PAPER_ROWS)} reference rows "
                "from the paper", body)
