"""Under gate options an inconsistent item is a finding, not a failure: it is reported as pytest's xfail.

Why xfail (and not a pass with properties): xfail is pytest's own outcome for "this test did not hold, and that
is expected and recorded", so every reporter already shows it without new code: the terminal counts it
(`3 xfailed`, `-rx` lists each with its reason), JUnit writes `<skipped type="pytest.xfail" message=...>` (no
`<failure>`, so a green gate paints no CI job red), pytest-html files it under "Expected failures" with the
item's extras (picture, raw answers). The reason carries the three answers, gold and OCR CER. The gate alone then
decides, and its verdict is the `restgate::release_gate` testcase (reports/gatecase.py).

A call error becomes a finding only when the user gave an error budget (`--max-errors` or
`--allow-budget-stop`): otherwise every error fails the gate and stays an error. The report carries
`restgate_finding` in its properties, so the collector still counts it from structure, never from wording.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from typing import Any

import pytest

from pytest_restgate.core.records import ANSWER_MODALITIES, KIND_PROPERTY, VERDICT_PROPERTY, Record
from pytest_restgate.core.untrusted import printable

FINDING_PROPERTY = "restgate_finding"
"""`user_properties` key of a report turned into a finding: `inconsistent` or `error`."""
THRESHOLD_OPTIONS = ("--min-rer", "--max-cfr", "--min-mmc", "--max-rer-below-noise")
MAX_JUNIT_UNITS = 5
"""A fresh search attaches one unit per system it drew: JUnit shows the first few (results.jsonl has them all)."""


def _given(config: pytest.Config, name: str) -> bool:
    value = config.getoption(name, None)
    return value is not None and value != ""


def gating_requested(config: pytest.Config) -> bool:
    """The options that make the gate, not pytest's rule, decide the exit status (as reports/plugin.py reads
    them); known on an xdist worker too, where the report is made."""
    return any(_given(config, o) for o in (*THRESHOLD_OPTIONS, "--baseline", "--max-errors"))


def _error_budget(config: pytest.Config) -> bool:
    return _given(config, "--max-errors") or bool(config.getoption("--allow-budget-stop", False))


def as_finding(item: pytest.Item, report: pytest.TestReport) -> None:
    """Turn a benchmark test's inconsistency (or, with an error budget, its call error) into an xfail."""
    if not report.failed or not any(k == KIND_PROPERTY for k, _ in report.user_properties):
        return
    config = item.config
    if not gating_requested(config):
        return
    verdict = next((v for k, v in report.user_properties if k == VERDICT_PROPERTY), None)
    if report.when == "call" and verdict == "inconsistent":
        kind, lead = "inconsistent", "finding (the gate decides)"
    elif report.when == "setup" and _error_budget(config):
        kind, lead = "error", "call error within the gate's error budget (the max-errors gate counts it)"
    else:
        return
    from pytest_restgate.reports.collector import _message

    report.outcome = "skipped"
    report.wasxfail = f"restgate {lead}: {_message(report)}"
    report.user_properties.append((FINDING_PROPERTY, kind))


def _clean(value: Any) -> Any:
    """Model output is untrusted: no control character reaches the XML (reports/untrusted.py)."""
    if isinstance(value, str):
        return printable(value)
    if isinstance(value, list):
        return [_clean(v) for v in value]
    return value


def junit_answers(records: Iterable[Record]) -> str:
    """A test's records for its JUnit property: per unit its three answers, gold, OCR CER and any error, as
    compact JSON (about 150 bytes a unit, was ~3.6 KB of full records; results.jsonl keeps everything)."""
    units: dict[tuple[Any, ...], dict[str, Any]] = {}
    for r in records:
        if r.get("repeat", 0):
            continue
        key = (r.get("item_id"), r.get("style"), r.get("strategy"))
        unit = units.setdefault(key, {"item_id": key[0], "style": key[1], "strategy": key[2], "gold": r.get("gold")})
        if r.get("modality") == "ocr":
            cer = r.get("cer")
            unit["ocr_cer"] = None if cer is None else round(float(cer), 4)
        elif r.get("modality") in ANSWER_MODALITIES:
            unit[str(r["modality"])] = r.get("answer")
        if r.get("error"):
            unit.setdefault("errors", []).append(f"{r.get('modality')}: {str(r['error'])[:120]}")
    shown: list[dict[str, Any]] = [{k: _clean(v) for k, v in u.items()} for u in units.values()]
    if len(shown) > MAX_JUNIT_UNITS:
        shown = [*shown[:MAX_JUNIT_UNITS], {"more_units": len(shown) - MAX_JUNIT_UNITS}]
    return json.dumps(shown, ensure_ascii=False, separators=(",", ":"))


__all__ = ["FINDING_PROPERTY", "as_finding", "gating_requested", "junit_answers"]
