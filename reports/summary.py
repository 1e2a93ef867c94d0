"""The run summary: metrics, statistics, costs and outcomes in one JSON-ready document (summary.json).

Built once on the controller after the test loop; the HTML section, the terminal table, the gates and the next
release's baseline all read this one document, so they can never disagree.
"""

from __future__ import annotations

import platform
import time
from typing import Any

from pytest_restgate.core.gates import BUDGET_MARK
from pytest_restgate.core.records import Record, figure_records
from pytest_restgate.core.summary import SCHEMA
from pytest_restgate.reports.collector import Outcomes
from pytest_restgate.reports.colours import colour_table
from pytest_restgate.reports.figures import ocr_ok_intervals, paper_block
from pytest_restgate.reports.metrics import jsonable, metrics_table, style_table, unit_rows, units_records
from pytest_restgate.reports.noise import first_repeat, noise_summary
from pytest_restgate.reports.paper import compare
from pytest_restgate.reports.stats import metric_intervals, modality_tests
from pytest_restgate.reports.unitrows import groups, missing

_BLANK: dict[str, Any] = dict.fromkeys(Record.__annotations__)
"""Every record field, None unless the record has it (as the pandas frame of records had each column)."""


def _usage(records: list[Record], spend: dict[str, Any] | None) -> dict[str, Any]:
    """Two bills: what this run sent (counted at the client in every process: retries, failed and prefetched
    calls whose test never reported included) and the cost of every answer the results use (cached included).

    Without a client count (`spend` None: records read back without the fixtures plugin) the first bill is
    estimated from the records that did not come from the cache.
    """
    fresh = [r for r in records if not r["cached"] and not r["error"]]
    used = [r for r in records if not r.get("shared") and not r["error"]]
    costs = [r["cost_usd"] for r in fresh if r["cost_usd"] is not None]
    used_costs = [r["cost_usd"] for r in used if r["cost_usd"] is not None]
    sent = spend if spend is not None else {
        "calls": len([r for r in records if not r["cached"]]), "failed_calls": None,
        "prompt_tokens": sum(r["prompt_tokens"] or 0 for r in fresh),
        "completion_tokens": sum(r["completion_tokens"] or 0 for r in fresh),
        "cost_usd": round(sum(costs), 6) if costs else None, "cost_known_calls": len(costs),
    }
    return {
        **sent,
        "counted_at": "client" if spend is not None else "records",
        "records": len(records),
        "cache_hits": sum(1 for r in records if r["cached"]),
        "cache_misses": sum(1 for r in records if not r["cached"]),
        "cost_used_usd": round(sum(used_costs), 6) if used_costs else None,
        "cost_used_known": len(used_costs),
        "budget_exhausted": sum(1 for r in records if BUDGET_MARK in (r["error"] or "")),
        "mean_latency_s": round(sum(r["latency_s"] for r in fresh) / len(fresh), 4) if fresh else None,
    }


def _errors_by_kind(records: list[Record]) -> dict[str, int]:
    """Failed calls by class (rate_limited, transient, permanent; "unclassified" for older records): a run
    starved by rate limits calls for a lower --concurrency, a permanent failure for a fix, so they are kept apart."""
    out: dict[str, int] = {}
    for r in records:
        if r["error"] and not r["cached"]:
            kind = "budget_exhausted" if BUDGET_MARK in r["error"] else r.get("error_kind") or "unclassified"
            out[kind] = out.get(kind, 0) + 1
    return out


def _truncated(records: list[Record]) -> dict[str, int]:
    """Replies cut off by the output limit (finish_reason "length"), per modality; a truncated answer is
    usually unparsed, and a person must be told why rather than see a silent wrong answer."""
    out: dict[str, int] = {}
    for r in records:
        if r.get("finish_reason") == "length":
            out[r["modality"]] = out.get(r["modality"], 0) + 1
    return out


def _with_digests(rows: list[dict[str, Any]], records: list[Record]) -> list[dict[str, Any]]:
    """Each unit row with its digest (what was asked; fixtures/evaluation/identity.py), for baselines."""
    digests = {(r["item_id"], r["dataset"], r["style"], r["strategy"]): r.get("digest") for r in records}
    return [{**row, "digest": digests.get((row["item_id"], row["dataset"], row["style"], row["strategy"]))}
            for row in rows]


def _vision_tokens(records: list[dict[str, Any]]) -> dict[str, Any]:
    """Prompt tokens the image costs against the same content as text, per style (the paper's vision-token
    comparison): the ratio of the image prompt's tokens to the text prompt's, over units with both."""
    tokens: dict[tuple[Any, ...], dict[str, Any]] = {}
    for r in records:
        key = (r["item_id"], r["style"], r["strategy"])
        if missing(r["error"]) and not missing(r["prompt_tokens"]) and not any(missing(k) for k in key):
            tokens.setdefault(key, {})[r["modality"]] = r["prompt_tokens"]  # the last one counts
    by_style: dict[Any, list[tuple[Any, Any]]] = {}  # style -> (text, image) prompt tokens of its units with both
    for (_, style, _), t in tokens.items():
        if "text" in t and "image" in t:
            by_style.setdefault(style, []).append((t["text"], t["image"]))
    out: dict[str, Any] = {}
    for style in sorted(by_style):
        pairs = by_style[style]
        text, image = float(sum(p[0] for p in pairs)), float(sum(p[1] for p in pairs))
        out[str(style)] = {
            "n": len(pairs),
            "text_tokens_mean": text / len(pairs),
            "image_tokens_mean": image / len(pairs),
            "image_to_text_ratio": image / text if text else None,
        }
    return jsonable(out)


def build_summary(
    records: list[Record],
    outcomes: Outcomes,
    run: dict[str, Any],
    *,
    primary_strategy: str,
    started: float,
    spend: dict[str, Any] | None = None,
    rebuilt_from: str | None = None,
) -> dict[str, Any]:
    """Everything a person or a gate needs about the run, JSON-ready: the one builder of summary.json, whose
    reader is `pytest_restgate.core.summary.from_json`. `rebuilt_from` names the file a summary was rebuilt
    from after its run was killed (no duration, no gate)."""
    # --repeats: the paper's figures on repeat 0 (comparable with a run without repeats); the rest in `noise`
    # fresh-search shrinking steps: in results.jsonl and the bill, not in the figures (fixtures/evaluation/fresh_search)
    scored_records = figure_records(records)
    rows = [{**_BLANK, **r} for r in first_repeat(scored_records)]
    primary = [r for r in rows if r["strategy"] == primary_strategy]
    primary_units = unit_rows(primary)
    all_units = primary_units if len(primary) == len(rows) else unit_rows(rows)  # one strategy: the same units
    default_style = run.get("default_style")
    single_style = [u for u in primary_units if u["style"] == default_style] if default_style else primary_units
    styles = groups(rows, "style")
    strategies = groups(rows, "strategy")
    doc = jsonable({
        "schema": SCHEMA,
        "run": run,
        "versions": {**run.get("versions", {}), "python": platform.python_version()},
        "started": time.strftime("%Y-%m-%dT%H:%M:%S%z", time.localtime(started)),
        "duration_s": round(time.time() - started, 2),
        "tests": outcomes.as_json(),
        "errors": outcomes.errors,
        "errors_unlisted": outcomes.errors_unlisted,
        "errors_unlisted_budget": outcomes.errors_unlisted_budget,
        "errors_by_kind": _errors_by_kind(records),
        "skipped": outcomes.skipped,
        "skipped_unlisted": outcomes.skipped_unlisted,
        "usage": _usage(records, spend),
        "truncated": _truncated(records),
        "primary_strategy": primary_strategy,
        "metrics": metrics_table(primary, primary_units),
        "strategies": metrics_table(rows, all_units)["strategies"] if len(strategies) > 1 else None,
        "intervals": metric_intervals(primary_units),
        "interval_by_dataset": {
            str(name): metric_intervals(g) for name, g in groups(primary_units, "dataset").items()
        },
        "intervals_ocr_ok": ocr_ok_intervals(primary_units),
        "modality_tests": modality_tests(single_style or primary_units),
        "modality_tests_scope": "within this run (paired over items)",
        "colours": colour_table(primary, _rgb()),
        "fallback_glyphs": _fallback(primary),
        "styles": style_table(primary, run.get("style_facts", {}), primary_units) if len(styles) > 1 else None,
        "vision_tokens": _vision_tokens(primary),
        "units": _with_digests(units_records(all_units), records),
    })
    doc["metrics"]["paper"] = paper_block(primary_units, default_style)
    doc["paper_comparison"] = compare(doc["metrics"]["paper"], run.get("model"), run.get("model_id"))
    noise = noise_summary(scored_records, primary_strategy)
    if noise is not None:  # --repeats K > 1: the noise floor (reports/noise.py)
        doc["noise"] = jsonable(noise)
    if rebuilt_from is not None:
        doc.update({"rebuilt_from": rebuilt_from, "gate_passed": None, "duration_s": None})
    return doc


def _fallback(records: list[dict[str, Any]]) -> dict[str, Any] | None:
    """Units whose page drew characters in the fallback face (the style's face lacks them), per style."""
    pages = [r for r in records if r["modality"] == "ocr" and isinstance(r.get("fallback_chars"), str)
             and r.get("fallback_chars") != ""]
    if not pages:
        return None
    return {"units": len(pages), "by_style": {str(k): len(g) for k, g in groups(pages, "style").items()},
            "chars": "".join(sorted(set("".join(str(r.get("fallback_chars")) for r in pages))))}


def _rgb() -> dict[str, tuple[int, int, int]]:
    from pytest_restgate.renderers import COLOURS

    return dict(COLOURS)
