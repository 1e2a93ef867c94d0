"""The run's verdict and figures as GitHub-flavoured markdown: the CI step summary and the PR comment.

Why markdown: `$GITHUB_STEP_SUMMARY` (and a PR comment) render it on the job's page, where a reviewer looks first;
the verdict is its first line, read through reports/release.py like every other surface. Model output is
untrusted: every cell passes through `cell` (no control character, no `|`, no raw HTML, no line break).
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from pytest_restgate.core.records import ANSWER_MODALITIES
from pytest_restgate.core.untrusted import printable
from pytest_restgate.reports.release import ReleaseVerdict

STEP_SUMMARY_ENV = "GITHUB_STEP_SUMMARY"
TOP_ITEMS = 10
METRICS = (("rer", "RER"), ("cfr", "CFR"), ("mmc", "MMC"))
ICONS = {"PASSED": "✅", "FAILED": "❌", "INCOMPLETE": "⚠️"}


def cell(value: Any, limit: int = 80) -> str:
    """A table cell: untrusted text made inert (escaped pipes, angle brackets and backticks, one line)."""
    if value is None:
        return "–"
    text = printable(str(value), newlines=False).replace("\n", " ")
    text = text if len(text) <= limit else text[: limit - 1] + "…"
    for raw, safe in (("\\", "\\\\"), ("|", "\\|"), ("<", "&lt;"), (">", "&gt;"), ("`", "\\`")):
        text = text.replace(raw, safe)
    return text


def share(value: Any, block: Mapping[str, Any] | None = None) -> str:
    """`0.850 [0.71, 0.93]`: a share with its 95% interval when the summary has one."""
    if value is None:
        return "–"
    text = f"{float(value):.3f}"
    if block and block.get("low") is not None and block.get("high") is not None:
        text += f" [{float(block['low']):.2f}, {float(block['high']):.2f}]"
    return text


def table(head: list[str], rows: list[list[str]]) -> list[str]:
    return ["| " + " | ".join(head) + " |", "|" + "---|" * len(head), *("| " + " | ".join(r) + " |" for r in rows)]


def metric_table(summary: Mapping[str, Any]) -> list[str]:
    """Per dataset and overall: n, RER / CFR / MMC with 95% Wilson intervals, accuracies, errors."""
    metrics = summary.get("metrics") or {}
    by_ds = summary.get("interval_by_dataset") or {}
    groups = [(name, m, by_ds.get(name) or {}) for name, m in (metrics.get("datasets") or {}).items()]
    groups.append(("**all (pooled)**", metrics.get("micro") or {}, summary.get("intervals") or {}))
    rows = []
    for name, m, ci in groups:
        rows.append([cell(name), str(m.get("n", 0)), *(share(m.get(k), ci.get(k)) for k, _ in METRICS),
                     *(share(m.get(f"acc_{x}")) for x in ANSWER_MODALITIES), str(m.get("n_errors", 0))])
    head = ["dataset", "n", *(f"{label} [95% CI]" for _, label in METRICS), "acc text", "acc image", "acc mixed",
            "errors"]
    return table(head, rows)


def gate_section(summary: Mapping[str, Any]) -> list[str]:
    """Every gate's line, then the baseline's regressions (units that turned inconsistent)."""
    lines = [f"- {'✅' if g.get('passed') else '❌'} `{cell(g.get('line') or g.get('label'), 300)}`"
             for g in summary.get("gates") or []]
    baseline = summary.get("baseline")
    if baseline:
        flips = baseline.get("newly_inconsistent") or []
        lines.append(f"- baseline `{cell(Path(str(baseline.get('path'))).name)}`: {len(flips)} newly inconsistent, "
                     f"{len(baseline.get('newly_consistent') or [])} newly consistent of "
                     f"{baseline.get('n_compared', 0)} compared")
        lines.extend(f"  - regressed: {cell(f.get('item_id'))} [{cell(f.get('style'))}]" for f in flips[:TOP_ITEMS])
    return lines or ["- no gate options: pytest's rule (every item must be consistent)"]


def inconsistent_section(summary: Mapping[str, Any], top: int = TOP_ITEMS) -> list[str]:
    """The first inconsistent units with their three answers, gold and OCR CER."""
    found = [u for u in summary.get("units") or [] if not u.get("consistent") and not u.get("errored")]
    if not found:
        return ["No inconsistent item."]
    rows = [[cell(u.get("item_id")), cell(u.get("style")), *(cell(u.get(f"answer_{m}"), 40) for m in
             ANSWER_MODALITIES), cell(u.get("gold"), 40),
             "–" if u.get("ocr_cer") is None else f"{float(u['ocr_cer']):.3f}"] for u in found[:top]]
    more = [f"… and {len(found) - top} more (results.jsonl has every answer)"] if len(found) > top else []
    return [*table(["item", "style", "text", "image", "mixed", "gold", "OCR CER"], rows), *more]


def summary_markdown(summary: Mapping[str, Any], verdict: ReleaseVerdict) -> str:
    """The step summary: verdict first, then the run, the metric table, the gates, the inconsistent items."""
    run, tests = summary.get("run") or {}, summary.get("tests") or {}
    shards = f", merged from {summary['shards']} shards" if summary.get("shards") else ""
    usage = summary.get("usage") or {}
    cost = usage.get("cost_usd")
    parts = [
        f"## {ICONS[verdict.word]} {cell(verdict.line, 400)}", "",
        f"Model `{cell(run.get('model'))}` (`{cell(run.get('model_id'))}`), seed {cell(run.get('seed'))}{shards}: "
        f"{tests.get('passed', 0)} consistent, {tests.get('inconsistent', 0)} inconsistent, "
        f"{tests.get('errors', 0)} errors; {usage.get('calls', 0)} calls, cost "
        + ("unknown" if cost is None else f"${float(cost):.4f}"), "",
        *metric_table(summary), "", "### Gates", "", *gate_section(summary), "",
        f"### Inconsistent items (first {TOP_ITEMS})", "", *inconsistent_section(summary), "",
    ]
    return "\n".join(parts)


def markdown_target(option: Path | str | None) -> Path | None:
    """--md-summary PATH, else `$GITHUB_STEP_SUMMARY` (set by GitHub Actions), else nowhere."""
    if option:
        return Path(option)
    env = os.environ.get(STEP_SUMMARY_ENV)
    return Path(env) if env else None


def append_markdown(target: Path, text: str) -> None:
    """Append, as GitHub expects of the step summary (several steps may write to it)."""
    target.parent.mkdir(parents=True, exist_ok=True)
    with target.open("a", encoding="utf-8") as fh:
        fh.write(text if text.endswith("\n") else text + "\n")


__all__ = ["append_markdown", "cell", "markdown_target", "metric_table", "summary_markdown"]
