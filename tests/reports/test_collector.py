"""The controller's collector, fed synthetic pytest reports: records once per test, written as they arrive."""

from __future__ import annotations

import json
import re
import time
from pathlib import Path
from typing import Any

import pytest

from pytest_restgate.core import rundir
from pytest_restgate.core.records import KIND_PROPERTY, RECORD_PROPERTY, VERDICT_PROPERTY
from pytest_restgate.core.rundir import make_run_dir, run_id
from pytest_restgate.reports.collector import Collector, Outcomes, records_of


def record(item_id: str, modality: str, answer: str | None = "5") -> dict[str, Any]:
    return {
        "item_id": item_id, "dataset": "soebench", "style": "dejavu-200dpi", "modality": modality,
        "strategy": "direct", "model": "reference", "gold": "5", "answer": None if modality == "ocr" else answer,
        "correct": None if modality == "ocr" else answer == "5", "response": "Answer: 5 <b>é</b>",
        "cer": 0.0 if modality == "ocr" else None, "prompt_tokens": 10, "completion_tokens": 3,
        "cost_usd": None, "latency_s": 0.2, "cached": False, "error": None, "finish_reason": "stop",
    }


def unit_records(item_id: str) -> list[dict[str, Any]]:
    return [record(item_id, m) for m in ("ocr", "text", "image", "mixed")]


def exception_repr(exc: BaseException) -> Any:
    """What pytest stores as `longrepr` for an exception (with a `reprcrash`)."""
    try:
        raise exc
    except BaseException as raised:
        return pytest.ExceptionInfo.from_exception(raised).getrepr(style="value")


def report(
    nodeid: str, when: str, outcome: str = "passed", longrepr: Any = None,
    records: list[dict[str, Any]] | None = None, verdict: str | None = None, kind: str | None = "rest",
) -> pytest.TestReport:
    """A report as the plugins leave it: the test's kind (set at collection), then its records and verdict."""
    props: list[tuple[str, object]] = [(KIND_PROPERTY, kind)] if kind is not None else []
    if records is not None:
        props.append((RECORD_PROPERTY, records))
    if verdict is not None:
        props.append((VERDICT_PROPERTY, verdict))
    return pytest.TestReport(
        nodeid=nodeid, location=(nodeid.split("::")[0], 1, nodeid), keywords={}, outcome=outcome,  # type: ignore[arg-type]
        longrepr=longrepr, when=when, user_properties=props,
    )


def phases(nodeid: str, records: list[dict[str, Any]] | None, call_outcome: str = "passed",
           longrepr: Any = None, verdict: str | None = None, kind: str | None = "rest") -> list[pytest.TestReport]:
    """setup, call and teardown reports of one test, each carrying the same user properties (as pytest does)."""
    return [report(nodeid, "setup", records=records, verdict=verdict, kind=kind),
            report(nodeid, "call", call_outcome, longrepr, records, verdict, kind),
            report(nodeid, "teardown", records=records, verdict=verdict, kind=kind)]


NODE = "tests_rest/test_rest.py::test_rest[soebench/0001]"


def test_records_taken_once_per_nodeid(tmp_path: Path) -> None:
    collector = Collector(tmp_path / "results.jsonl")
    for r in phases(NODE, unit_records("soebench/0001")):
        collector.add(r)
    assert [r["modality"] for r in collector.records] == ["ocr", "text", "image", "mixed"]
    assert collector.outcomes.passed == 1
    collector.close()


def test_results_jsonl_is_written_and_flushed_on_arrival(tmp_path: Path) -> None:
    path = tmp_path / "run" / "results.jsonl"
    collector = Collector(path)
    assert path.exists()
    for r in phases(NODE, unit_records("soebench/0001")):
        collector.add(r)
    first = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]
    assert first == unit_records("soebench/0001")  # on disk before close: a killed run keeps it
    second = "tests_rest/test_rest.py::test_rest[soebench/0002]"
    collector.add(report(second, "setup", records=unit_records("soebench/0002")))
    lines = path.read_text(encoding="utf-8").splitlines()
    assert len(lines) == 8
    assert json.loads(lines[-1])["item_id"] == "soebench/0002"
    assert lines[0].isascii() and "\\u00e9" in lines[0]  # escaped: a kill cannot tear a character (issue 22)
    collector.close()
    collector.close()  # idempotent
    assert len(path.read_text(encoding="utf-8").splitlines()) == 8


def test_no_file_without_a_path() -> None:
    collector = Collector(None)
    collector.add(report(NODE, "setup", records=unit_records("soebench/0001")))
    assert len(collector.records) == 4
    collector.close()


def test_outcomes_are_counted_by_kind(tmp_path: Path) -> None:
    collector = Collector(tmp_path / "results.jsonl")
    inconsistent = exception_repr(pytest.fail.Exception(
        "inconsistent across modalities: text=5  image=3  mixed=5  | gold=5  | OCR CER=0.000", pytrace=False))
    for n, (outcome, longrepr, verdict) in enumerate([
        ("passed", None, "consistent"), ("passed", None, "consistent"), ("failed", inconsistent, "inconsistent"),
        ("failed", exception_repr(AssertionError("some other assertion")), "consistent"),
        ("failed", "Traceback ...\nKeyError: 'image'", None),
    ]):
        nodeid = f"tests_rest/test_rest.py::test_rest[soebench/{n:04d}]"
        for r in phases(nodeid, unit_records(f"soebench/{n:04d}"), outcome, longrepr, verdict):
            collector.add(r)
    errored = "tests_rest/test_rest.py::test_rest[soebench/0009]"
    collector.add(report(errored, "setup", "failed", exception_repr(RuntimeError("3 model call(s) failed")),
                         records=unit_records("soebench/0009")))
    collector.add(report(errored, "teardown", records=unit_records("soebench/0009")))
    skipped = "tests_rest/test_rest.py::test_rest[mmlu/x/0001]"
    collector.add(report(skipped, "setup", "skipped", ("tests_rest/test_rest.py", 3, "Skipped: no tail")))
    collector.add(report(skipped, "teardown"))

    o = collector.outcomes
    assert (o.passed, o.inconsistent, o.failed_other) == (2, 1, 2)
    assert o.errors == [{"test": errored, "when": "setup", "message": "RuntimeError: 3 model call(s) failed"}]
    assert o.skipped == [{"test": skipped, "reason": "Skipped: no tail"}]
    assert o.as_json() == {"passed": 2, "inconsistent": 1, "failed_other": 2, "errors": 1, "skipped": 1}
    assert len(collector.records) == 6 * 4
    collector.close()


@pytest.mark.parametrize("wording", [
    "inconsistent across modalities: text=5  image=3  mixed=5",
    "[gw0] linux -- Python 3.11\ninconsistent across modalities: text=5",
    "the answers differ: text=5, image=3",
    "",
])
def test_counts_come_from_the_verdict_never_from_the_wording(wording: str) -> None:
    collector = Collector(None)
    for n, verdict in enumerate(["inconsistent", "consistent", "error"]):
        nodeid = f"anywhere.py::test_x[{n}]"
        for r in phases(nodeid, unit_records(f"soebench/{n:04d}"), "failed", wording, verdict):
            collector.add(r)
    unjudged = "anywhere.py::test_x[u]"
    for r in phases(unjudged, None, "failed", wording):  # a REST test that failed before any verdict
        collector.add(r)
    assert (collector.outcomes.inconsistent, collector.outcomes.failed_other) == (1, 3)


def test_junit_gets_each_units_answers_as_compact_json(tmp_path: Path) -> None:
    collector = Collector(tmp_path / "results.jsonl")
    reports = phases(NODE, unit_records("soebench/0001"), verdict="consistent")
    for r in reports:
        collector.add(r)
    collector.close()
    written = dict(reports[-1].user_properties)
    junit = json.loads(str(written[RECORD_PROPERTY]))  # junitxml writes str() of each property
    (unit,) = junit  # one unit: its three answers, gold and OCR CER (reports/findings.junit_answers)
    assert {"item_id", "text", "image", "mixed", "gold", "ocr_cer"} <= unit.keys() and "response" not in unit
    assert ", " not in str(written[RECORD_PROPERTY]) and "': " not in str(written[RECORD_PROPERTY])  # not a repr
    assert records_of(reports[-1]) == unit_records("soebench/0001")  # the collector and HTML keep everything
    assert str(written[VERDICT_PROPERTY]) == "consistent"
    saved = [json.loads(line) for line in (tmp_path / "results.jsonl").read_text(encoding="utf-8").splitlines()]
    assert saved[1]["response"] == "Answer: 5 <b>é</b>"  # the responses live in results.jsonl


def test_teardown_failure_is_an_error_with_the_last_line_of_a_text_repr() -> None:
    collector = Collector(None)
    collector.add(report(NODE, "setup", records=unit_records("soebench/0001")))
    collector.add(report(NODE, "call", records=unit_records("soebench/0001")))
    collector.add(report(NODE, "teardown", "failed", "line one\nOSError: disk full\n"))
    assert collector.outcomes.passed == 1
    assert collector.outcomes.errors == [{"test": NODE, "when": "teardown", "message": "OSError: disk full"}]


def test_blank_text_repr_gives_an_empty_message() -> None:
    collector = Collector(None)
    collector.add(report(NODE, "teardown", "failed", "  \n"))
    assert collector.outcomes.errors == [{"test": NODE, "when": "teardown", "message": ""}]


def test_non_rest_reports_are_ignored(tmp_path: Path) -> None:
    path = tmp_path / "results.jsonl"
    collector = Collector(path)
    other = "tests_rest/test_rest.py::test_rest[looks-like-rest]"  # no kind: not a benchmark test
    for r in phases(other, None, kind=None):
        collector.add(r)
    collector.add(report(other, "call", "failed", "AssertionError", kind=None))
    collector.add(report(other, "setup", "failed", "boom", kind=None))
    assert collector.records == []
    assert collector.outcomes == Outcomes()
    collector.close()
    assert path.read_text(encoding="utf-8") == ""


def test_a_report_with_records_counts_wherever_it_lives() -> None:
    """A REST test outside tests_rest/ (a pytester copy, a plugin's own suite) is known by its records."""
    collector = Collector(None)
    collector.add(report("test_copy.py::test_rest[soebench/0001]", "setup", records=unit_records("soebench/0001")))
    collector.add(report("test_copy.py::test_rest[soebench/0001]", "call", records=unit_records("soebench/0001")))
    assert (len(collector.records), collector.outcomes.passed) == (4, 1)


def test_records_of() -> None:
    records = unit_records("soebench/0001")
    assert records_of(report(NODE, "setup", records=records)) == records
    assert records_of(report(NODE, "setup")) == []


# ---------------------------------------------------------------------------------------------- run folders
# The collector's results.jsonl lives in the run folder, so its naming is tested here.


def test_run_id_is_sortable_time_then_model_slug() -> None:
    now = time.mktime((2026, 11, 25, 19, 30, 5, 0, 0, -1))
    assert run_id("claude-haiku-4.5", now) == "20261125-193005-claude-haiku-4.5"
    assert run_id("openai/Qwen2.5-VL 32B", now) == "20261125-193005-openai-Qwen2.5-VL-32B"
    assert run_id("///", now) == "20261125-193005-model"
    assert run_id("x" * 100, now) == "20261125-193005-" + "x" * 60
    assert re.fullmatch(r"\d{8}-\d{6}-reference", run_id("reference"))


def test_make_run_dir_gives_a_fresh_folder_each_time(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    base = run_id("openai/gpt", 1_700_000_000.0)
    monkeypatch.setattr(rundir, "run_id", lambda model: run_id(model, 1_700_000_000.0))  # all in one second
    made = [make_run_dir(tmp_path, "openai/gpt") for _ in range(3)]
    assert [p.name for p in made] == [base, f"{base}-2", f"{base}-3"]
    assert all(p.is_dir() and p.parent == tmp_path for p in made)


def test_run_folders_go_under_the_current_folder_by_default(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """`./reports/runs`, wherever the run starts (an installed wheel's code may sit in a read-only site-packages)."""
    monkeypatch.chdir(tmp_path)
    made = make_run_dir(None, "reference")
    assert made.is_absolute() and made.parent == tmp_path / "reports" / "runs"
