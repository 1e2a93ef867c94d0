"""Collects records and test outcomes on the controller, appending each record to results.jsonl on arrival.

Why append on arrival: a run killed half-way (Ctrl-C, CI timeout) still leaves every finished item on disk;
together with the response cache, a rerun resumes where it stopped. Outcomes are counted from the structured
properties a benchmark test carries (its kind, its verdict), never from node ids or failure messages.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any

import pytest

from pytest_restgate.core.gates import BUDGET_MARK
from pytest_restgate.core.records import KIND_PROPERTY, RECORD_PROPERTY, VERDICT_PROPERTY, Record
from pytest_restgate.reports.findings import FINDING_PROPERTY, junit_answers

LISTED = 200
"""Errors (and skips) listed by name in summary.json; beyond that only counted: a run where every unit errors
(a provider outage at 15,000 REST+ units) kept 15,000 messages in a file that should stay under 1 MB."""


@dataclass
class Outcomes:
    """Counts of REST test outcomes, and the first `LISTED` error and skip messages to show."""

    passed: int = 0
    inconsistent: int = 0
    failed_other: int = 0
    errors: list[dict[str, str]] = field(default_factory=list)
    skipped: list[dict[str, str]] = field(default_factory=list)
    errors_unlisted: int = 0
    """Errors past the first `LISTED`, counted only."""
    errors_unlisted_budget: int = 0
    """Of those, the calls the --max-cost budget refused (`--allow-budget-stop` does not count them as errors)."""
    skipped_unlisted: int = 0

    def add_error(self, entry: dict[str, str]) -> None:
        if len(self.errors) < LISTED:
            self.errors.append(entry)
        else:
            self.errors_unlisted += 1
            self.errors_unlisted_budget += BUDGET_MARK in entry.get("message", "")

    def add_skip(self, entry: dict[str, str]) -> None:
        if len(self.skipped) < LISTED:
            self.skipped.append(entry)
        else:
            self.skipped_unlisted += 1

    def as_json(self) -> dict[str, Any]:
        return {
            "passed": self.passed,
            "inconsistent": self.inconsistent,
            "failed_other": self.failed_other,
            "errors": len(self.errors) + self.errors_unlisted,
            "skipped": len(self.skipped) + self.skipped_unlisted,
        }


def property_of(report: pytest.TestReport, key: str) -> object | None:
    """The first `user_properties` value under `key`, or None."""
    return next((value for k, value in report.user_properties if k == key), None)


def records_of(report: pytest.TestReport) -> list[Record]:
    """Every record the test attached, in order, each call once: a REST test attaches one unit, the fresh search
    one per system it drew (a system Hypothesis draws again is the same unit: kept once, as first seen; a
    finding asked again past the cache, `fresh_recheck`, is a second set of calls and kept beside it)."""
    out: list[Record] = []
    seen: set[tuple[object, ...]] = set()
    for key, value in report.user_properties:
        if key != RECORD_PROPERTY or not isinstance(value, list):
            continue
        for record in value:
            identity = tuple(record.get(k) for k in ("item_id", "dataset", "style", "strategy", "modality", "repeat",
                                                     "fresh_recheck"))
            if identity not in seen:
                seen.add(identity)
                out.append(record)
    return out


class JUnitRecords(list[Record]):
    """The records of a test, unchanged for the collector and the HTML report, but written into JUnit XML
    (which takes `str()` of each property) as each unit's answers in compact JSON (results.jsonl has the rest)."""

    def __str__(self) -> str:
        return junit_answers(self)


def _slim_for_junit(report: pytest.TestReport) -> None:
    report.user_properties = [
        (k, JUnitRecords(v) if k == RECORD_PROPERTY and isinstance(v, list) else v)
        for k, v in report.user_properties
    ]


def _message(report: pytest.TestReport) -> str:
    crash = getattr(report.longrepr, "reprcrash", None)
    if crash is not None:
        return str(crash.message)
    if isinstance(report.longrepr, tuple):  # skip reports: (path, line, reason)
        return str(report.longrepr[2])
    lines = str(report.longrepr or "").strip().splitlines()
    return lines[-1] if lines else ""


class Collector:
    """Receives every test report (xdist or not) and keeps what the metrics and the report need."""

    def __init__(self, results_path: Path | None) -> None:
        self.records: list[Record] = []
        self.outcomes = Outcomes()
        self._seen: set[str] = set()
        self.finished: set[str] = set()
        """Benchmark tests that reached a verdict (passed, failed, errored in setup, skipped)."""
        self._file: IO[str] | None = None
        if results_path is not None:
            results_path.parent.mkdir(parents=True, exist_ok=True)
            self._file = results_path.open("w", encoding="utf-8")

    def add(self, report: pytest.TestReport) -> None:
        if property_of(report, KIND_PROPERTY) is None and property_of(report, RECORD_PROPERTY) is None:
            return
        _slim_for_junit(report)
        if report.nodeid not in self._seen:
            records = records_of(report)
            if records:
                self._seen.add(report.nodeid)
                self._append(records)
        self._count(report)

    def _append(self, records: list[Record]) -> None:
        self.records.extend(records)
        if self._file is not None:
            for record in records:
                self._file.write(json.dumps(record) + "\n")  # ASCII: a kill cannot tear a character
            self._file.flush()

    def _count(self, report: pytest.TestReport) -> None:
        o = self.outcomes
        finding = property_of(report, FINDING_PROPERTY) is not None  # an xfail under gates (reports/findings.py)
        failed, skipped = report.failed or finding, report.skipped and not finding
        if report.when == "call" or (report.when == "setup" and not report.passed):
            self.finished.add(report.nodeid)
        if report.when == "call":
            if report.passed:
                o.passed += 1
            elif failed:
                if property_of(report, VERDICT_PROPERTY) == "inconsistent":
                    o.inconsistent += 1
                else:
                    o.failed_other += 1
        if failed and report.when in ("setup", "teardown"):
            o.add_error({"test": report.nodeid, "when": report.when, "message": _message(report)})
        if skipped and report.when in ("setup", "call"):
            o.add_skip({"test": report.nodeid, "reason": _message(report)})

    def close(self) -> None:
        if self._file is not None:
            self._file.close()
            self._file = None
