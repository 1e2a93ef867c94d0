"""`restgate merge`: shard run folders -> one run folder, with the gates applied once over all shards.

The merged summary is built by the same `build_summary` as a live run, from the shards' results.jsonl, so the
merged figures are those of the same run unsharded. The merged report.html is a self-contained restgate page
(the summary section of the live report, then one row per unit), not a pytest-html report: pytest-html can
only be driven from inside a pytest session.
"""

from __future__ import annotations

import calendar
import json
import time
from dataclasses import dataclass
from html import escape
from pathlib import Path
from typing import Any

from pytest_restgate.reports.collector import Outcomes
from pytest_restgate.reports.gates import GATED, GateResult, check_count, check_threshold, parse_thresholds
from pytest_restgate.reports.html import STYLE, summary_html
from pytest_restgate.reports.many.pages import page, write_page
from pytest_restgate.reports.many.runs import Run, load_run
from pytest_restgate.reports.metrics import regressions
from pytest_restgate.reports.noise import MIN_REPEATS, check_noise, parse_noise_thresholds
from pytest_restgate.reports.noise import OPTION as NOISE_OPTION
from pytest_restgate.reports.summary import build_summary
from pytest_restgate.reports.trust import data_gates

SAME_SETTINGS = ("model", "model_id", "seed", "datasets", "limit", "rest_plus", "strategies", "data_dir",
                 "fresh_examples", "default_style")
"""Settings every shard must share: they decide which units exist and how they are asked."""


class MergeError(ValueError):
    """Shards that cannot be merged; the message is one line naming the folder and the fix."""


@dataclass(frozen=True)
class GateOptions:
    """The gate options of a pytest run, applied once to the merged run."""

    min_rer: str | None = None
    max_cfr: str | None = None
    min_mmc: str | None = None
    max_errors: int | None = None
    gate_on: str = "point"
    baseline: Path | None = None
    max_regressions: int = 0
    max_rer_below_noise: str | None = None
    """`--max-rer-below-noise` (reports/noise.py): needs shards run with `--repeats 3` or more."""


def check_shards(runs: list[Run]) -> int:
    """Refuse shards that are missing, duplicated, unfinished or from different runs; return N."""
    if not runs:
        raise MergeError("give the shard run folders to merge (restgate merge RUN... --out DIR)")
    shards: dict[int, Run] = {}
    count = None
    first = runs[0]
    for run in runs:
        if run.rebuilt:
            raise MergeError(f"{run.path}: no summary.json (the shard did not finish); rerun that shard")
        if run.summary.get("complete") is False:  # interrupted, -x, a crashed worker: its verdict never existed
            raise MergeError(f"{run.path}: the shard is INCOMPLETE ({run.summary.get('incomplete_reason')}); "
                             "rerun that shard")
        raw = run.info.get("shard")
        if not raw:
            raise MergeError(f"{run.path}: not a shard (run without --shard=K/N)")
        k, n = (int(x) for x in str(raw).split("/"))
        if count is not None and n != count:
            raise MergeError(f"{run.path}: shard {raw} is from a {n}-way split, the others from {count}")
        count = n
        if k in shards:
            raise MergeError(f"shard {k}/{n} given twice: {shards[k].path} and {run.path}; give each shard once")
        for key in SAME_SETTINGS:
            if first.info.get(key) != run.info.get(key):
                raise MergeError(f"{run.path}: {key} {run.info.get(key)!r} differs from {first.path}'s "
                                 f"{first.info.get(key)!r}; merge shards of one run only")
        shards[k] = run
    assert count is not None
    missing = [f"{k}/{count}" for k in range(1, count + 1) if k not in shards]
    if missing:
        raise MergeError(f"missing shard(s) {', '.join(missing)} of {count}; got "
                         f"{', '.join(f'{k}/{count}' for k in sorted(shards))}")
    return count


def _outcomes(runs: list[Run]) -> Outcomes:
    o = Outcomes()
    for run in runs:
        tests = run.summary.get("tests") or {}
        o.passed += int(tests.get("passed") or 0)
        o.inconsistent += int(tests.get("inconsistent") or 0)
        o.failed_other += int(tests.get("failed_other") or 0)
        o.errors.extend(run.summary.get("errors") or [])
        o.skipped.extend(run.summary.get("skipped") or [])
    return o


def _epoch(stamp: str) -> float:
    try:
        parsed = time.strptime(stamp, "%Y-%m-%dT%H:%M:%S%z")
    except ValueError:
        return time.time()
    return calendar.timegm(parsed) - (parsed.tm_gmtoff or 0)


def judge(summary: dict[str, Any], options: GateOptions, regression: dict[str, Any] | None) -> list[GateResult]:
    """The gates of reports/plugin.py, on a summary: thresholds, then errors, then baseline regressions, then the
    data gates (a dataset the run named but did not load, or scored nothing, fails; so does a budget stop)."""
    thresholds = [t for name in GATED for t in parse_thresholds(name, getattr(options, name))]
    metrics = summary["metrics"]
    figures = {"overall": metrics["micro"], **metrics["datasets"]}
    intervals = None
    if options.gate_on == "lower-bound":
        blocks = {"overall": summary["intervals"], **summary["interval_by_dataset"]}
        intervals = {scope: {m: (b[m]["low"], b[m]["high"]) if b[m]["low"] is not None else None
                             for m in ("rer", "cfr", "mmc")} for scope, b in blocks.items()}
    gates = [check_threshold(t, figures, intervals) for t in thresholds]
    noise_thresholds = parse_noise_thresholds(options.max_rer_below_noise)
    if noise_thresholds and summary.get("noise") is None:
        raise MergeError(f"{NOISE_OPTION} needs shards run with --repeats {MIN_REPEATS} or more (the noise floor is "
                         "measured from repeated answers); these have none")
    gates += [check_noise(t, summary.get("noise"), options.gate_on) for t in noise_thresholds]
    if thresholds or noise_thresholds or options.max_errors is not None or options.baseline is not None:
        gates.append(check_count("max-errors", len(summary.get("errors") or []), options.max_errors or 0))
    if regression is not None:
        gates.append(check_count("max-regressions", len(regression["newly_inconsistent"]), options.max_regressions))
    if gates:  # as a live run: every named dataset loaded and scored, and no call refused by --max-cost
        gates.extend(data_gates(summary, list((summary.get("run") or {}).get("datasets") or []), 1, False, False))
    return gates


def merge(folders: list[Path], out: Path, options: GateOptions) -> tuple[dict[str, Any], list[GateResult]]:
    """Merge shard folders into `out` (created; must be new or empty) and judge the gates once."""
    runs = [load_run(f) for f in folders]
    count = check_shards(runs)
    runs.sort(key=lambda r: int(str(r.info["shard"]).split("/")[0]))
    if out.exists() and any(out.iterdir()):
        raise MergeError(f"--out {out}: the folder is not empty; give a new folder for the merged run")
    records = [rec for run in runs for rec in run.records()]
    info = {**runs[0].info, "shard": None, "merged_from": [f"{r.info['shard']} {r.path.name}" for r in runs]}
    strategies = info.get("strategies") or ["direct"]
    started = min(_epoch(r.started) for r in runs)
    summary = build_summary(records, _outcomes(runs), info, primary_strategy=strategies[0], started=started)
    summary["duration_s"] = max(float(r.summary.get("duration_s") or 0.0) for r in runs)
    summary["shards"] = count
    regression = None
    if options.baseline is not None:
        from pytest_restgate.reports.baseline import load_baseline

        baseline = load_baseline(options.baseline)
        regression = regressions(baseline["units"], summary["units"])
        summary["baseline"] = {"path": str(options.baseline), **regression}
    gates = judge(summary, options, regression)
    gating = bool(gates)
    summary["gates"] = [g.__dict__ | {"line": g.line} for g in gates]
    summary["gate_passed"] = all(g.passed for g in gates) if gating else None
    out.mkdir(parents=True, exist_ok=True)
    with (out / "results.jsonl").open("w", encoding="utf-8") as fh:
        fh.writelines(json.dumps(r) + "\n" for r in records)
    write_page(out / "summary.json", json.dumps(summary, indent=2, ensure_ascii=False))
    write_page(out / "report.html", merged_report(summary, gates, regression))
    return summary, gates


def merged_report(summary: dict[str, Any], gates: list[GateResult], regression: dict[str, Any] | None) -> str:
    """The live report's summary section, then one row per unit (answers, gold, verdict)."""
    rows = []
    for u in summary.get("units") or []:
        verdict = "error" if u.get("errored") else ("consistent" if u.get("consistent") else "inconsistent")
        cells = [u.get("item_id"), u.get("style"), u.get("strategy"), u.get("answer_text"), u.get("answer_image"),
                 u.get("answer_mixed"), u.get("gold"), verdict]
        rows.append("<tr>" + "".join(f"<td>{escape(str('–' if c is None else c))}</td>" for c in cells) + "</tr>")
    head = "".join(f"<th>{h}</th>" for h in ("unit", "style", "strategy", "text", "image", "mixed", "gold",
                                              "verdict"))
    shards = ", ".join(escape(s) for s in (summary.get("run") or {}).get("merged_from") or [])
    body = (summary_html(summary, gates, regression) + STYLE
            + f'<h3>Units</h3><table class="rg-table" id="restgate-units"><tr>{head}</tr>{"".join(rows)}</table>')
    return page(f"restgate report (merged): {(summary.get('run') or {}).get('model')}",
                f"merged from {summary.get('shards')} shards: {shards}", body)
