"""The run index: every run folder under the report folder, as index.html and as terminal lines.

Rewritten after every run (reports/plugin.py) and by `restgate runs --html`, so opening
reports/runs/index.html always shows the history, newest first, with a link to each report.
"""

from __future__ import annotations

from html import escape
from pathlib import Path
from typing import Any

from pytest_restgate.core.untrusted import printable
from pytest_restgate.reports.many.pages import fmt, link, page, table, write_page
from pytest_restgate.reports.many.runs import Run, list_runs, paper_figures, report_of
from pytest_restgate.reports.many.status import marks
from pytest_restgate.reports.release import recorded_verdict

INDEX_NAME = "index.html"


def run_row(run: Run) -> dict[str, Any]:
    """The figures one index line shows (None where the run does not have them)."""
    micro = run.metrics.micro
    paper = paper_figures(run)
    info = run.info
    return {
        "started": run.started.replace("T", " ")[:19], "model": run.model, "seed": info.seed,
        "datasets": ",".join(info.datasets or sorted(run.metrics.datasets)),
        "shard": info.shard or ("merged" if info.merged_from else None),
        "units": micro.get("n_units"), "complete": run.complete,
        "rer": micro.get("rer"), "cfr": micro.get("cfr"), "mmc": micro.get("mmc"),
        "ok_rer": paper["rer"], "ok_cfr": paper["cfr"], "ok_mmc": paper["mmc"],
        "errors": micro.get("n_errors"), "cost": run.summary.usage.cost_usd, "gate": run.summary.gate_passed,
        "release": verdict_word(run),
    }


def verdict_word(run: Run) -> str | None:
    """The run's release verdict as its terminal, page and JUnit showed it (summary.json `release`); for a folder
    written before that field: INCOMPLETE, or the gate's word, or None for a run judged by pytest's rule."""
    recorded = recorded_verdict(run.summary.doc)
    if recorded is not None:
        return recorded.word
    if run.complete is False:
        return "INCOMPLETE"
    passed = run.summary.gate_passed
    return None if passed is None else ("PASSED" if passed else "FAILED")


def verdict_html(word: str | None) -> str:
    if word is None:
        return '<span class="none">not recorded</span>'
    return f'<span class="{"pass" if word == "PASSED" else "fail"}">{escape(word)}</span>'


HEADERS = ("started", "model", "seed", "datasets", "shard", "units", "complete", "RER", "CFR", "MMC",
           "OCR-ok RER", "OCR-ok CFR", "OCR-ok MMC", "errors", "cost", "verdict", "report")


def index_html(root: Path, runs: list[Run]) -> str:
    rows = []
    for run in reversed(runs):
        r = run_row(run)
        report = report_of(run)
        # the live run writes its report after the index (pytest-html writes at session end): link it anyway
        target = link(report, root, run.name) if report is not None and (report.is_file() or not run.rebuilt) \
            else escape(run.name) + " (no report)"
        complete = fmt(r["complete"]) + "".join(f' <span class="mark {m.kind}">{escape(m.text)}</span>'
                                                for m in marks(run))
        complete += ' <span class="ci">(rebuilt from results.jsonl)</span>' if run.rebuilt else ""
        rows.append([
            fmt(r["started"]), f"<b>{fmt(r['model'])}</b>", fmt(r["seed"]), fmt(r["datasets"]), fmt(r["shard"]),
            fmt(r["units"]), complete, fmt(r["rer"]), fmt(r["cfr"]), fmt(r["mmc"]), fmt(r["ok_rer"]),
            fmt(r["ok_cfr"]), fmt(r["ok_mmc"]), fmt(r["errors"]),
            "unknown" if r["cost"] is None else f"${r['cost']:.4f}", verdict_html(r["release"]), target,
        ])
    note = ('<p class="note">RER, CFR, MMC: all scored units, pooled over datasets. OCR-ok: the paper\'s headline, '
            "units whose OCR transcription was exact, mean over datasets. Errors: units whose calls failed after "
            "retries (excluded from the figures). A run marked killed, incomplete, budget-stopped, subset (-k, -m, "
            "--lf, --deselect or node ids left planned units out) or shard is not a full run: leaderboard and trend "
            "leave it out unless given --all-runs. Compare two runs with <code>restgate compare RUN RUN</code>; "
            "the table of models is <code>restgate leaderboard</code>.</p>")
    body = table(HEADERS, rows, ident="restgate-runs") if rows else "<p>No run folders yet.</p>"
    return page("restgate runs", f"{len(runs)} run folder(s) in <code>{escape(str(root))}</code>, newest first",
                body + note)


def write_index(root: Path) -> Path:
    """(Re)write root/index.html from the run folders under root."""
    return write_page(root / INDEX_NAME, index_html(root, list_runs(root)))


def index_lines(runs: list[Run]) -> list[str]:
    """`restgate runs`: one line per run, newest first."""
    cols = (("started", 19), ("model", 24), ("seed", 6), ("units", 5), ("complete", 8), ("rer", 6), ("cfr", 6),
            ("mmc", 6), ("ok_rer", 6), ("ok_cfr", 6), ("errors", 6), ("release", 10))
    header = "  ".join(name.upper().replace("OK_", "OK-").replace("RELEASE", "VERDICT").ljust(w) for name, w in cols)
    header += "  FOLDER"
    lines = [header]
    for run in reversed(runs):
        r = run_row(run)
        cells = []
        for name, w in cols:
            v = r[name]
            if name == "release":
                text = "-" if v is None else str(v)
            elif name == "complete":
                text = "-" if v is None else ("yes" if v else "no")
            elif isinstance(v, float):
                text = f"{v:.3f}"
            else:
                text = "-" if v is None else str(v)
            cells.append(printable(text, newlines=False)[:w].ljust(w))  # cleaned per cell: a row keeps its folder
        flags = "".join(f" [{m.kind}]" for m in marks(run) if m.kind != "shard")
        shard = f" [shard {r['shard']}]" if r["shard"] else ""
        lines.append("  ".join(cells) + f"  {run.path}{shard}{flags}")
    return lines
