"""The run summary: metrics, statistics, costs and outcomes in one JSON-ready document (summary.json).

Built once on the controller after the test loop; the HTML section, the terminal table, the gates and the next
release's baseline all read this one document, so they can never disagree.
"""

from __future__ import annotations

import platform
import time
from typing import Any

import pandas as pd

from reports.collector import Outcomes
from reports.colours import colour_table
from reports.figures import ocr_ok_intervals, paper_block
from reports.metrics import jsonable, metrics_table, style_table, units, units_records
from reports.paper import compare
from reports.records import Record
from reports.stats import metric_intervals, modality_tests

SCHEMA = "restgate-summary/1"


def _usage(records: list[Record]) -> dict[str, Any]:
    """Cost and tokens of the calls actually made: a cached answer cost nothing this run."""
    fresh = [r for r in records if not r["cached"] and not r["error"]]
    costs = [r["cost_usd"] for r in fresh if r["cost_usd"] is not None]
    return {
        "calls": len(records),
        "cache_hits": sum(1 for r in records if r["cached"]),
        "cache_misses": sum(1 for r in records if not r["cached"]),
        "prompt_tokens": sum(r["prompt_tokens"] or 0 for r in fresh),
        "completion_tokens": sum(r["completion_tokens"] or 0 for r in fresh),
        "cost_usd": round(sum(costs), 6) if costs else None,
        "cost_known_calls": len(costs),
        "mean_latency_s": round(sum(r["latency_s"] for r in fresh) / len(fresh), 4) if fresh else None,
    }


def _vision_tokens(frame: pd.DataFrame) -> dict[str, Any]:
    """Prompt tokens the image costs against the same content as text, per style (the paper's vision-token
    comparison): the ratio of the image prompt's tokens to the text prompt's, over units with both."""
    if frame.empty:
        return {}
    ok = frame[frame["error"].isna() & frame["prompt_tokens"].notna()]
    wide = ok.pivot_table(index=["item_id", "style", "strategy"], columns="modality",
                          values="prompt_tokens", aggfunc="last")
    if "text" not in wide or "image" not in wide:
        return {}
    wide = wide.dropna(subset=["text", "image"])
    out: dict[str, Any] = {}
    for style, g in wide.groupby(level="style"):
        text, image = float(g["text"].sum()), float(g["image"].sum())
        out[str(style)] = {
            "n": len(g),
            "text_tokens_mean": text / len(g),
            "image_tokens_mean": image / len(g),
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
) -> dict[str, Any]:
    """Everything a person or a gate needs about the run, JSON-ready."""
    frame = pd.DataFrame(records, columns=list(Record.__annotations__))
    primary = frame[frame["strategy"] == primary_strategy]
    unit_frame = units(frame)
    primary_units = units(primary)
    default_style = run.get("default_style")
    single_style = primary_units[primary_units["style"] == default_style] if default_style else primary_units
    styles = sorted(frame["style"].dropna().unique().tolist())
    doc = jsonable({
        "schema": SCHEMA,
        "run": run,
        "versions": {**run.get("versions", {}), "python": platform.python_version()},
        "started": time.strftime("%Y-%m-%dT%H:%M:%S%z", time.localtime(started)),
        "duration_s": round(time.time() - started, 2),
        "tests": outcomes.as_json(),
        "errors": outcomes.errors,
        "skipped": outcomes.skipped,
        "usage": _usage(records),
        "primary_strategy": primary_strategy,
        "metrics": metrics_table(primary),
        "strategies": metrics_table(frame)["strategies"] if frame["strategy"].nunique() > 1 else None,
        "intervals": metric_intervals(primary_units),
        "interval_by_dataset": {
            str(name): metric_intervals(g) for name, g in primary_units.groupby("dataset", sort=True)
        },
        "intervals_ocr_ok": ocr_ok_intervals(primary_units),
        "modality_tests": modality_tests(single_style if len(single_style) else primary_units),
        "modality_tests_scope": "within this run (paired over items)",
        "colours": colour_table(primary, _rgb()),
        "fallback_glyphs": _fallback(primary),
        "styles": style_table(primary, run.get("style_facts", {})) if len(styles) > 1 else None,
        "vision_tokens": _vision_tokens(primary),
        "units": units_records(unit_frame),
    })
    doc["metrics"]["paper"] = paper_block(doc)
    doc["paper_comparison"] = compare(doc["metrics"]["paper"], run.get("model"), run.get("model_id"))
    return doc


def _fallback(frame: pd.DataFrame) -> dict[str, Any] | None:
    """Units whose page drew characters in the fallback face (the style's face lacks them), per style."""
    if frame.empty or "fallback_chars" not in frame.columns:
        return None
    pages = frame[frame["modality"].eq("ocr") & frame["fallback_chars"].map(lambda v: isinstance(v, str) and v != "")]
    if pages.empty:
        return None
    return {"units": len(pages), "by_style": {str(k): len(g) for k, g in pages.groupby("style", sort=True)},
            "chars": "".join(sorted(set("".join(pages["fallback_chars"].astype(str)))))}


def _rgb() -> dict[str, tuple[int, int, int]]:
    from renderers import COLOURS

    return dict(COLOURS)
