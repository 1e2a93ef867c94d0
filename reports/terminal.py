"""The metrics table printed at the end of every REST run."""

from __future__ import annotations

from typing import Any

from pytest_restgate.core.gates import GateResult
from pytest_restgate.reports.colours import colour_lines
from pytest_restgate.reports.noise import noise_lines
from pytest_restgate.reports.paper import comparison_lines

COLUMNS = (("n", "n", 5), ("rer", "RER", 6), ("cfr", "CFR", 6), ("mmc", "MMC", 6), ("acc_text", "text", 6),
           ("acc_image", "image", 6), ("acc_mixed", "mixed", 6), ("cer_mean", "CER", 6),
           ("ocr_ok_n", "ok-n", 5), ("ocr_ok_rer", "ok-RER", 7), ("n_errors", "err", 4))


def _cell(value: Any, width: int) -> str:
    if value is None:
        text = "-"
    elif isinstance(value, float):
        text = f"{value:.3f}"
    else:
        text = str(value)
    return text.rjust(width)


def metric_lines(metrics: dict[str, Any]) -> list[str]:
    name_width = max([24, *(len(n) + 1 for n in metrics.get("datasets", {}))])
    header = "dataset".ljust(name_width) + " ".join(label.rjust(w) for _, label, w in COLUMNS)
    rows = [header]
    groups = list(metrics.get("datasets", {}).items())
    groups += [("all (micro)", metrics.get("micro") or {}), ("datasets mean (macro)", metrics.get("macro") or {})]
    if metrics.get("paper"):  # the paper's figure: OCR-correct subset, mean over datasets
        groups.append(("paper (OCR-ok, ds mean)", metrics["paper"]))
    for name, s in groups:
        rows.append(name.ljust(name_width) + " ".join(_cell(s.get(k), w) for k, _, w in COLUMNS))
    return rows


def summary_lines(summary: dict[str, Any], gates: list[GateResult], regression: dict[str, Any] | None,
                  run_dir: str, report_path: str | None = None) -> list[str]:
    """What a person reads at the end of a CI log: the table, the costs, the gate verdicts, where files are."""
    run, usage, tests = summary.get("run", {}), summary.get("usage", {}), summary.get("tests", {})
    cost = usage.get("cost_usd")
    lines = [
        f"model {run.get('model')} ({run.get('model_id')}), seed {run.get('seed')}, "
        f"strategy {summary.get('primary_strategy')}: {tests.get('passed', 0)} consistent, "
        f"{tests.get('inconsistent', 0)} inconsistent, {tests.get('errors', 0)} errors, "
        f"{tests.get('skipped', 0)} skipped" + budget_stop(summary),
        *metric_lines(summary.get("metrics", {})),
        f"calls {usage.get('calls', 0)} ({usage.get('cache_hits', 0)} cached), tokens "
        f"{usage.get('prompt_tokens', 0)} prompt / {usage.get('completion_tokens', 0)} completion, cost "
        + ("unknown" if cost is None else f"${cost:.4f}")
        + (f"; rate-limited (429) {usage['rate_limited_calls']} of {usage.get('calls', 0)} attempts "
           f"({usage.get('rate_limited_share', 0):.0%})" if usage.get("rate_limited_calls") else ""),
    ]
    by_kind = summary.get("errors_by_kind") or {}
    if by_kind:
        lines.append("failed calls by class: " + ", ".join(f"{n} {k.replace('_', '-')}" for k, n in by_kind.items()))
    for name, reasons in (run.get("dropped") or {}).items():
        dropped = {r: n for r, n in reasons.items() if n}
        if dropped:
            lines.append(f"{name}: dropped by the filters: "
                         + ", ".join(f"{n} {r}" for r, n in dropped.items()))
    for name, why in (run.get("unavailable") or {}).items():
        lines.append(f"{name} NOT LOADED: {why}")
    styles = summary.get("styles")
    if styles:
        grid = styles.get("grid", {})
        lines.append("REST+ RER by font x DPI " + "  ".join(f"{d}dpi" for d in grid.get("dpis", [])))
        for font, row in zip(grid.get("fonts", []), grid.get("rer", []), strict=False):
            lines.append(f"  {font:<10}" + "  ".join(_cell(v, 6) for v in row))
        cross = styles.get("cross_style") or {}
        lines.append(f"  same image answer under all styles: {_cell(cross.get('consistency'), 0)} "
                     f"of {cross.get('n', 0)} items")
    lines.extend(colour_lines(summary.get("colours")))
    fallback = summary.get("fallback_glyphs")
    if fallback:
        lines.append(f"{fallback['units']} page(s) drew {fallback['chars']} in the fallback face (DejaVu Sans): "
                     + ", ".join(f"{s} {n}" for s, n in fallback["by_style"].items()))
    lines.extend(_modality_lines(summary.get("modality_tests") or {}))
    lines.extend(noise_lines(summary.get("noise")))  # --repeats: RER beside its noise floor
    lines.extend(comparison_lines(summary.get("paper_comparison")))
    if regression is not None:
        lines.append(f"baseline: {len(regression.get('newly_inconsistent', []))} newly inconsistent, "
                     f"{len(regression.get('newly_consistent', []))} newly consistent "
                     f"(of {regression.get('n_compared', 0)} compared by content digest); not comparable: "
                     f"{(regression.get('not_comparable') or {}).get('only_previous', 0)} baseline-only, "
                     f"{(regression.get('not_comparable') or {}).get('only_current', 0)} run-only units")
        for flip in regression.get("newly_inconsistent", [])[:20]:
            lines.append(f"  regressed: {flip['item_id']} [{flip['style']}]")
    lines.extend(f"gate {g.line}" for g in gates)
    report = report_path or f"{run_dir}/report.html"  # --html=PATH: the file that was written, wherever it is
    beside = "beside it" if report.startswith(f"{run_dir}/") else f"in {run_dir}"
    lines.append(f"report: {report}  (results.jsonl, summary.json {beside})")
    return lines


def budget_stop(summary: dict[str, Any]) -> str:
    """`; BUDGET STOP: 40 calls not sent (--max-cost $0.01 reached)`, or "" when the budget refused nothing."""
    refused = int((summary.get("usage") or {}).get("budget_exhausted") or 0)
    if not refused:
        return ""
    limit = (summary.get("run") or {}).get("max_cost")
    return f"; BUDGET STOP: {refused} call(s) not sent (--max-cost" + (f" ${limit:g}" if limit else "") + " reached)"


def _modality_lines(tests: dict[str, Any]) -> list[str]:
    """One line: the per-run paired test, labelled as such (the paper's tests are across models)."""
    parts = []
    for t in tests.values():
        pt = t.get("paired_t") or {}
        if pt.get("mean_diff") is None:
            continue
        p = "-" if pt.get("p_value") is None else f"{pt['p_value']:.3g}"
        parts.append(f"{t.get('a')} vs {t.get('b')} diff {pt['mean_diff']:+.3f} (t p={p})")
    return ["modality tests within this run (paired over items): " + "; ".join(parts)] if parts else []
