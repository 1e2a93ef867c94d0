"""build_summary on a hand-made run of two items (one errored): usage, metrics, vision tokens, JSON."""

from __future__ import annotations

import json
import time
from pathlib import Path
from typing import Any

import pandas as pd
import pytest

from pytest_restgate.core.records import Record
from pytest_restgate.core.summary import SCHEMA
from pytest_restgate.reports.baseline import load_baseline, save_baseline
from pytest_restgate.reports.collector import Outcomes
from pytest_restgate.reports.metrics import metrics_table
from pytest_restgate.reports.summary import build_summary


def rec(item: str, modality: str, answer: str | None, *, pt: int | None, ct: int | None, cost: float | None,
        latency: float, cached: bool = False, error: str | None = None, style: str = "dejavu-200dpi",
        strategy: str = "direct") -> Record:
    is_ocr = modality == "ocr"
    return Record(
        item_id=item, dataset="soebench", style=style, modality=modality,  # type: ignore[typeddict-item]
        strategy=strategy, model="m", gold="5",  # type: ignore[typeddict-item]
        answer=None if is_ocr or error else answer, correct=None if is_ocr or error else answer == "5",
        response="" if error else f"Answer: {answer}", cer=0.0 if is_ocr and not error else None,
        prompt_tokens=pt, completion_tokens=ct, cost_usd=cost, latency_s=latency, cached=cached, error=error,
    )


def two_items() -> list[Record]:
    """soebench/0001: all four calls fine, its text call from the cache. soebench/0002: image call failed."""
    return [
        rec("soebench/0001", "ocr", None, pt=50, ct=20, cost=0.001, latency=1.0),
        rec("soebench/0001", "text", "5", pt=30, ct=10, cost=0.002, latency=0.0, cached=True),
        rec("soebench/0001", "image", "5", pt=300, ct=10, cost=0.003, latency=2.0),
        rec("soebench/0001", "mixed", "5", pt=200, ct=10, cost=0.004, latency=1.5),
        rec("soebench/0002", "ocr", None, pt=50, ct=20, cost=0.001, latency=1.0),
        rec("soebench/0002", "text", "4", pt=40, ct=10, cost=0.002, latency=0.5),
        rec("soebench/0002", "image", None, pt=None, ct=None, cost=None, latency=3.0, error="timeout"),
        rec("soebench/0002", "mixed", "5", pt=240, ct=10, cost=0.005, latency=2.0),
    ]


def summarise(records: list[Record], outcomes: Outcomes | None = None, **run: Any) -> dict[str, Any]:
    return build_summary(records, outcomes or Outcomes(), {"model": "m", **run}, primary_strategy="direct",
                         started=time.time() - 2.0)


def test_usage_counts_only_calls_made_this_run() -> None:
    usage = summarise(two_items())["usage"]
    # Fresh (not cached, not errored): 0001 ocr/image/mixed, 0002 ocr/text/mixed.
    # Without the client's count (records read back alone), requests sent = records not from the cache.
    assert {k: usage[k] for k in ("calls", "cache_hits", "cache_misses", "prompt_tokens", "completion_tokens",
                                  "cost_usd", "cost_known_calls", "mean_latency_s", "records", "counted_at")} == {
        "calls": 7, "cache_hits": 1, "cache_misses": 7,
        "prompt_tokens": 50 + 300 + 200 + 50 + 40 + 240, "completion_tokens": 80,
        "cost_usd": pytest.approx(0.016), "cost_known_calls": 6,
        "mean_latency_s": pytest.approx(8.0 / 6, abs=1e-4), "records": 8, "counted_at": "records",
    }


def test_usage_takes_the_clients_count_and_the_cost_of_answers_used() -> None:
    spend = {"calls": 11, "failed_calls": 3, "prompt_tokens": 1, "completion_tokens": 2, "cost_usd": 0.5,
             "cost_known_calls": 8}
    usage = build_summary(two_items(), Outcomes(), {"model": "m"}, primary_strategy="direct",
                          started=time.time(), spend=spend)["usage"]
    assert usage["calls"] == 11 and usage["failed_calls"] == 3 and usage["counted_at"] == "client"
    used = [r["cost_usd"] for r in two_items() if not r["error"] and r["cost_usd"] is not None]
    assert usage["cost_used_usd"] == pytest.approx(sum(used))


def test_cost_is_none_when_no_call_has_a_known_price() -> None:
    records = [{**r, "cost_usd": None} for r in two_items()]
    usage = summarise(records)["usage"]  # type: ignore[arg-type]
    assert (usage["cost_usd"], usage["cost_known_calls"]) == (None, 0)
    cached_only = [{**r, "cached": True} for r in two_items()]
    usage = summarise(cached_only)["usage"]  # type: ignore[arg-type]
    assert (usage["cost_usd"], usage["prompt_tokens"], usage["mean_latency_s"]) == (None, 0, None)


def test_tests_and_errors_come_from_the_outcomes() -> None:
    errors = [{"test": "tests_rest/t.py::test_rest[soebench/0002]", "when": "setup", "message": "1 call failed"}]
    doc = summarise(two_items(), Outcomes(passed=1, errors=errors))
    assert doc["tests"] == {"passed": 1, "inconsistent": 0, "failed_other": 0, "errors": 1, "skipped": 0}
    assert doc["errors"] == errors
    assert doc["schema"] == SCHEMA
    assert doc["run"]["model"] == "m"
    assert doc["duration_s"] >= 2.0


def test_metrics_match_reports_metrics_and_exclude_the_errored_unit() -> None:
    records = two_items()
    doc = summarise(records)
    paper = doc["metrics"].pop("paper")  # the paper's figure is the summary's addition to the table
    assert doc["metrics"] == metrics_table(pd.DataFrame(records))
    assert (paper["figure"], paper["rer"]) == ("OCR-correct subset, mean over datasets", 1.0)
    micro = doc["metrics"]["micro"]
    assert (micro["n_units"], micro["n_errors"], micro["n"], micro["rer"], micro["mmc"]) == (2, 1, 1, 1.0, 1.0)
    assert doc["intervals"]["rer"]["successes"] == 1 and doc["intervals"]["rer"]["n"] == 1
    assert set(doc["interval_by_dataset"]) == {"soebench"}
    assert doc["strategies"] is None and doc["styles"] is None
    assert [u["item_id"] for u in doc["units"]] == ["soebench/0001", "soebench/0002"]
    assert [u["errored"] for u in doc["units"]] == [False, True]


def test_vision_tokens_ratio_over_units_with_both_prompts() -> None:
    # soebench/0002 lost its image call, so only soebench/0001 (text 30, image 300 prompt tokens) counts.
    assert summarise(two_items())["vision_tokens"] == {
        "dejavu-200dpi": {"n": 1, "text_tokens_mean": 30.0, "image_tokens_mean": 300.0, "image_to_text_ratio": 10.0}
    }
    unknown = [{**r, "prompt_tokens": None} for r in two_items()]
    assert summarise(unknown)["vision_tokens"] == {}  # type: ignore[arg-type]


def test_primary_strategy_and_styles() -> None:
    extra = [{**r, "strategy": "ocr-first", "answer": "3" if r["modality"] == "image" else r["answer"]}
             for r in two_items()[:4]]
    other_style = [{**r, "style": "courier-50dpi"} for r in two_items()[:4]]
    doc = summarise([*two_items(), *extra, *other_style])  # type: ignore[list-item]
    assert doc["primary_strategy"] == "direct"
    assert doc["metrics"]["micro"]["n_units"] == 3  # direct units only: 2 default style + 1 courier
    assert set(doc["strategies"]) == {"direct", "ocr-first"}
    assert doc["strategies"]["ocr-first"]["rer"] == 0.0
    assert set(doc["styles"]["styles"]) == {"courier-50dpi", "dejavu-200dpi"}
    assert set(doc["vision_tokens"]) == {"courier-50dpi", "dejavu-200dpi"}


def test_the_whole_document_is_strict_json() -> None:
    for records in (two_items(), []):
        doc = summarise(records, default_style="dejavu-200dpi")
        text = json.dumps(doc, allow_nan=False)
        assert json.loads(text) == doc


# ---------------------------------------------------------------------------------------------- baselines
# A baseline file is a summary document, so its reader and writer are tested here.


def test_baseline_round_trip_through_save(tmp_path: Path) -> None:
    doc = summarise(two_items())
    summary_path = tmp_path / "run" / "summary.json"
    summary_path.parent.mkdir()
    summary_path.write_text(json.dumps(doc), encoding="utf-8")
    target = tmp_path / "baselines" / "release.json"
    save_baseline(summary_path, target)
    assert target.read_bytes() == summary_path.read_bytes()
    assert sorted(p.name for p in target.parent.iterdir()) == ["release.json"]  # no .tmp left behind
    assert load_baseline(target)["units"] == doc["units"]
    summary_path.write_text(json.dumps({**doc, "units": []}), encoding="utf-8")
    save_baseline(summary_path, target)  # replaces the old one
    assert load_baseline(target)["units"] == []


@pytest.mark.parametrize(
    ("content", "fragment"),
    [
        (None, "no such file; write one with --save-baseline"),
        ("{not json", "not JSON"),
        ('{"metrics": {}}', "no 'units' list"),
        ('[{"units": []}]', "no 'units' list"),
        ('{"units": {"a": 1}}', "no 'units' list"),
    ],
)
def test_load_baseline_errors_name_the_file(tmp_path: Path, content: str | None, fragment: str) -> None:
    path = tmp_path / "old-release.json"
    if content is not None:
        path.write_text(content, encoding="utf-8")
    with pytest.raises(pytest.UsageError) as info:
        load_baseline(path)
    assert str(info.value).startswith(f"--baseline {path}: ")
    assert fragment in str(info.value)


def test_failed_calls_are_counted_by_class() -> None:
    records = two_items()
    records[6] = {**records[6], "error_kind": "rate_limited"}  # type: ignore[typeddict-item]
    extra = {**records[5], "error": "connection refused at 127.0.0.1:9", "error_kind": "transient",
             "answer": None, "correct": None}
    legacy = {**records[5], "error": "old record", "answer": None, "correct": None}
    legacy.pop("error_kind", None)
    cached = {**records[5], "error": "from an earlier failure", "error_kind": "permanent", "cached": True}
    doc = summarise([*records, extra, legacy, cached])  # type: ignore[list-item]
    assert doc["errors_by_kind"] == {"rate_limited": 1, "transient": 1, "unclassified": 1}
    assert summarise(two_items()[:4])["errors_by_kind"] == {}
