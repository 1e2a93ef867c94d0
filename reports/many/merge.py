"""`restgate merge`: shard run folders -> one run folder, judged once over all shards by the live run's judge.

The merged summary is built by the same `build_summary` as a live run, from the shards' results.jsonl, so the
merged figures are those of the same run unsharded; the gates are the live run's own (pytest_restgate/core/judge.py: the
same options, `--preset` included, the same `judge`), so the merged verdict is the unsharded run's.

The merged report.html is a self-contained restgate page (the summary section of the live report, then one row
per unit), not a pytest-html report: pytest-html can only be driven from inside a pytest session.
"""

from __future__ import annotations

import calendar
import json
import time
from html import escape
from pathlib import Path
from typing import Any

from pytest_restgate.core.gates import NOISE_OPTION, GateResult
from pytest_restgate.core.judge import GateSpec, judge, settle
from pytest_restgate.reports.baseline import regression_of
from pytest_restgate.reports.collector import Outcomes
from pytest_restgate.reports.html import STYLE, summary_html
from pytest_restgate.reports.many.pages import page, write_page
from pytest_restgate.reports.many.runs import Run, load_run
from pytest_restgate.reports.many.shardcheck import (
    MergeError,
    check_disjoint,
    check_evidence,
    check_membership,
    check_shards,
)
from pytest_restgate.reports.noise import MIN_REPEATS
from pytest_restgate.reports.release import ReleaseVerdict, banner_html, release_verdict
from pytest_restgate.reports.summary import build_summary
from pytest_restgate.reports.summaryfile import write_summary

__all__ = ["MergeError", "check_shards", "merge", "merged_report"]

def _outcomes(runs: list[Run]) -> Outcomes:
    o = Outcomes()
    for run in runs:
        tests = run.summary.tests
        o.passed += tests.passed
        o.inconsistent += tests.inconsistent
        o.failed_other += tests.failed_other
        for error in run.summary.errors:
            o.add_error(error)
        for skip in run.summary.skipped:
            o.add_skip(skip)
        o.errors_unlisted += run.summary.errors_unlisted
        o.errors_unlisted_budget += run.summary.errors_unlisted_budget
        o.skipped_unlisted += run.summary.skipped_unlisted
    return o


def _merged_plan(runs: list[Run]) -> dict[str, Any]:
    """The shards' plans summed (each shard ran its whole plan: `check_whole_plan`), as the live run writes it."""
    plans = [r.summary.plan for r in runs]
    known = all(p.units is not None and p.selected is not None for p in plans)
    return {"plan": {"units": sum(p.units or 0 for p in plans) if known else None,
                     "selected": sum(p.selected or 0 for p in plans) if known else None,
                     "covered": all(p.covered is True for p in plans)}}


def _epoch(stamp: str) -> float:
    try:
        parsed = time.strptime(stamp, "%Y-%m-%dT%H:%M:%S%z")
    except ValueError:
        return time.time()
    return calendar.timegm(parsed) - (parsed.tm_gmtoff or 0)


def merge(folders: list[Path], out: Path, spec: GateSpec) -> tuple[dict[str, Any], list[GateResult]]:
    """Merge shard folders into `out` (created; must be new or empty) and judge the gates once."""
    runs = [load_run(f) for f in folders]
    count = check_shards(runs)
    runs.sort(key=lambda r: int(str(r.info.shard).split("/")[0]))
    if out.exists() and any(out.iterdir()):
        raise MergeError(f"--out {out}: the folder is not empty; give a new folder for the merged run")
    by_run = {run.path: run.records() for run in runs}
    for run in runs:
        check_evidence(run, by_run[run.path])
    check_disjoint(runs, by_run)  # first: a copied shard is named as a duplicate, the clearer fault
    check_membership(runs, by_run)
    records = [rec for run in runs for rec in by_run[run.path]]
    info = {**runs[0].info.raw, "shard": None, "merged_from": [f"{r.info.shard} {r.path.name}" for r in runs]}
    strategies = info.get("strategies") or ["direct"]
    started = min(_epoch(r.started) for r in runs)
    summary = build_summary(records, _outcomes(runs), info, primary_strategy=strategies[0], started=started)
    summary["duration_s"] = max(r.summary.duration_s or 0.0 for r in runs)
    summary["shards"] = count
    summary.update({"complete": True, "incomplete_reason": None,  # every shard finished (check_shards)
                    "planned": sum(r.summary.completeness.planned or 0 for r in runs),
                    "finished": sum(r.summary.completeness.finished or 0 for r in runs)})
    summary.update(_merged_plan(runs))
    regression = None
    if spec.baseline is not None:
        from pytest_restgate.reports.baseline import load_baseline

        regression = regression_of(load_baseline(spec.baseline), summary)
        summary["baseline"] = {"path": str(spec.baseline), **regression}
    if spec.noise and summary.get("noise") is None:
        raise MergeError(f"{NOISE_OPTION} needs shards run with --repeats {MIN_REPEATS} or more (the noise floor is "
                         "measured from repeated answers); these have none")
    gates = judge(spec, summary, regression)
    settle(spec, summary, gates)
    verdict = merged_verdict(spec, summary, gates)
    summary["release"] = verdict.as_json(0 if verdict.passed else 1)
    out.mkdir(parents=True, exist_ok=True)
    with (out / "results.jsonl").open("w", encoding="utf-8") as fh:
        fh.writelines(json.dumps(r) + "\n" for r in records)
    write_summary(out, summary)
    from pytest_restgate.reports.many.livepage import copy_pictures, merged_live_page  # the live page, every shard's
    from pytest_restgate.reports.many.runs import report_of

    pages = [report_of(r) for r in runs]
    live = merged_live_page(pages, summary, gates, regression, verdict, [r.summary.tests.inconsistent for r in runs])
    write_page(out / "report.html", live or merged_report(summary, gates, regression, verdict))
    if live:
        copy_pictures(pages, out)
    return summary, gates


def merged_verdict(spec: GateSpec, summary: dict[str, Any], gates: list[GateResult]) -> ReleaseVerdict:
    """The merge's one verdict (its page, summary.json, its last line, its exit status): the exit status is the
    one judge's (pytest_restgate/core/judge.py `passes`), read as a live run's is."""
    from pytest_restgate.core.judge import passes

    return release_verdict(summary, 0 if passes(spec, summary, gates) else 1)


def merged_report(summary: dict[str, Any], gates: list[GateResult], regression: dict[str, Any] | None,
                  verdict: ReleaseVerdict) -> str:
    """The live report's summary section, then one row per unit (answers, gold, verdict)."""
    rows = []
    for u in summary.get("units") or []:
        unit = "error" if u.get("errored") else ("consistent" if u.get("consistent") else "inconsistent")
        cells = [u.get("item_id"), u.get("style"), u.get("strategy"), u.get("answer_text"), u.get("answer_image"),
                 u.get("answer_mixed"), u.get("gold"), unit]
        rows.append("<tr>" + "".join(f"<td>{escape(str('–' if c is None else c))}</td>" for c in cells) + "</tr>")
    head = "".join(f"<th>{h}</th>" for h in ("unit", "style", "strategy", "text", "image", "mixed", "gold",
                                              "verdict"))
    shards = ", ".join(escape(s) for s in (summary.get("run") or {}).get("merged_from") or [])
    body = (banner_html(verdict) + summary_html(summary, gates, regression) + STYLE
            + f'<h3>Units</h3><table class="rg-table" id="restgate-units"><tr>{head}</tr>{"".join(rows)}</table>')
    return page(f"restgate report (merged): {(summary.get('run') or {}).get('model')}",
                f"merged from {summary.get('shards')} shards: {shards}", body)
