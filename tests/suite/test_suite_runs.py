"""End-to-end runs of the benchmark suite: outputs, metrics, xdist, gates, baselines and errors.

The reference-model runs use the real path (rendering, litellm custom provider, RapidOCR) on a few items; the
gate, baseline and error runs use the local OpenAI-compatible server with cheap scripted replies, through
litellm's real HTTP client.
"""

from __future__ import annotations

import json
from collections import defaultdict
from typing import Any
from xml.etree import ElementTree

import pytest

from tests.support.localserver import Fault, LocalServer

pytestmark = pytest.mark.slow


def _hand_rer(records: list[dict[str, Any]]) -> tuple[int, int]:
    """Consistent units and scored units, recomputed by hand from results.jsonl."""
    answers: dict[str, dict[str, Any]] = defaultdict(dict)
    errored: set[str] = set()
    for r in records:
        if r["error"]:
            errored.add(r["item_id"])
        if r["modality"] != "ocr":
            answers[r["item_id"]][r["modality"]] = r["answer"]
    scored = {k: v for k, v in answers.items() if k not in errored}
    consistent = sum(1 for v in scored.values() if v["text"] is not None and len(set(v.values())) == 1)
    return consistent, len(scored)


def test_reference_run_writes_consistent_outputs(run_suite) -> None:  # type: ignore[no-untyped-def]
    run = run_suite("--limit=3", "--seed=7")
    run.result.assert_outcomes(passed=3)
    records = run.records
    assert len(records) == 3 * 4
    assert {r["modality"] for r in records} == {"ocr", "text", "image", "mixed"}
    consistent, scored = _hand_rer(records)
    micro = run.summary["metrics"]["micro"]
    assert micro["n"] == scored == 3
    assert micro["rer"] == consistent / scored
    assert micro["acc_text"] == sum(r["correct"] for r in records if r["modality"] == "text") / 3
    assert run.summary["run"]["seed"] == 7
    assert run.summary["run"]["model"] == "reference"
    assert 'id="restgate-metrics"' in run.html
    assert "soebench/0000" in run.html
    out = run.result.stdout.str()
    assert "restgate: model=reference" in out and "seed=7" in out
    assert "restgate summary" in out and "report:" in out


def test_xdist_gives_the_same_tests_and_metrics(run_suite, tmp_path) -> None:  # type: ignore[no-untyped-def]
    serial = run_suite("--limit=4", "--seed=11", cache_dir=tmp_path / "a")
    parallel = run_suite("--limit=4", "--seed=11", "-n", "2", cache_dir=tmp_path / "b")
    for run in (serial, parallel):  # say why when an inner run ended without its summary line
        assert run.result.ret == 0, (run.result.stdout.str() + run.result.stderr.str())[-4000:]
    serial.result.assert_outcomes(passed=4)
    parallel.result.assert_outcomes(passed=4)
    assert serial.summary["metrics"] == parallel.summary["metrics"]
    assert sorted(r["item_id"] for r in serial.records) == sorted(r["item_id"] for r in parallel.records)
    assert not any(r["cached"] for r in parallel.records)


def test_random_seed_is_shared_with_workers(run_suite) -> None:  # type: ignore[no-untyped-def]
    run = run_suite("--limit=2", "--seed=random", "-n", "2", "--collect-only")
    assert run.result.ret == 0  # xdist aborts when workers collect different tests


def _modality_blind(messages: list[dict[str, Any]]) -> str:
    """A scripted model that answers 7 from text but 8 when it sees an image: always inconsistent."""
    has_image = any(
        part.get("type") == "image_url" for m in messages if isinstance(m.get("content"), list) for part in m["content"]
    )
    return "Thinking...\nAnswer: 8" if has_image else "Thinking...\nAnswer: 7"


def _always_seven(messages: list[dict[str, Any]]) -> str:
    return "Answer: 7"


def _server_args(server: LocalServer) -> tuple[str, ...]:
    return ("--model=openai/scripted", f"--api-base={server.base_url}", "--retry-backoff=0.01")


def test_gate_that_must_fail_fails_with_the_gap(run_suite) -> None:  # type: ignore[no-untyped-def]
    with LocalServer(reply=_modality_blind) as server:
        run = run_suite("--limit=3", *_server_args(server), "--min-rer=0.5")
    assert run.result.ret == pytest.ExitCode.TESTS_FAILED
    run.result.assert_outcomes(failed=1, xfailed=3)  # the gate failed; the items are findings
    out = run.result.stdout.str()
    assert "gate FAIL min-rer: target 0.5, actual 0.0000, gap -0.5000" in out
    assert out.rstrip().splitlines()[-1] == "restgate release gate FAILED: min-rer"
    assert run.summary["gate_passed"] is False
    assert "FAIL min-rer" in run.html


@pytest.mark.parametrize("xdist", [(), ("-n", "2")], ids=["serial", "xdist"])
def test_gate_that_must_pass_passes_despite_findings(run_suite, xdist) -> None:  # type: ignore[no-untyped-def]
    with LocalServer(reply=_modality_blind) as server:
        run = run_suite("--limit=3", *_server_args(server), "--min-rer=0.0", "--min-mmc=0", *xdist)
    assert run.result.ret == pytest.ExitCode.OK, run.result.stdout.str()
    run.result.assert_outcomes(xfailed=3)  # the inconsistencies stay visible as findings
    assert run.result.stdout.str().rstrip().splitlines()[-1] == "restgate release gate PASSED: every gate passed"
    assert run.summary["tests"]["inconsistent"] == 3 and run.summary["tests"]["failed_other"] == 0


def test_without_gates_an_inconsistency_fails_the_run(run_suite, tmp_path) -> None:  # type: ignore[no-untyped-def]
    junit = tmp_path / "junit.xml"
    with LocalServer(reply=_modality_blind) as server:
        run = run_suite("--limit=2", *_server_args(server), f"--junitxml={junit}")
    assert run.result.ret == pytest.ExitCode.TESTS_FAILED
    out = run.result.stdout.str()
    assert "inconsistent across modalities: text=7  image=8  mixed=8" in out
    # JUnit carries the verdict and each unit's answers as compact JSON (the records are in results.jsonl)
    cases = list(ElementTree.parse(junit).getroot().iter("testcase"))
    props = [{p.get("name"): p.get("value") for p in case.iter("property")} for case in cases]
    assert [p.get("restgate_verdict") for p in props] == ["inconsistent", "inconsistent", None]
    units = json.loads(props[0]["restgate_records"])
    assert len(units) == 1 and (units[0]["text"], units[0]["image"], units[0]["mixed"]) == ("7", "8", "8")
    assert len(props[0]["restgate_records"]) < 300
    gate = cases[-1]  # without gate options the verdict is pytest's rule, and says so
    assert (gate.get("classname"), gate.get("name")) == ("restgate", "release_gate")
    assert "no gate options" in gate.find("failure").get("message")  # type: ignore[union-attr]
    assert run.records[0]["response"]


def test_baseline_with_a_planted_flip_is_caught(run_suite, tmp_path) -> None:  # type: ignore[no-untyped-def]
    baseline = tmp_path / "baseline.json"
    with LocalServer(reply=_modality_blind) as server:
        first = run_suite("--limit=3", *_server_args(server), f"--save-baseline={baseline}", "--min-rer=0")
        assert first.result.ret == 0
        data = json.loads(baseline.read_text())
        planted = data["units"][1]
        planted["consistent"] = True  # pretend the last release answered this item consistently
        baseline.write_text(json.dumps(data))
        second = run_suite("--limit=3", *_server_args(server), f"--baseline={baseline}")
    assert second.result.ret == pytest.ExitCode.TESTS_FAILED
    regressed = second.summary["baseline"]["newly_inconsistent"]
    assert [r["item_id"] for r in regressed] == [planted["item_id"]]
    out = second.result.stdout.str()
    assert f"regressed: {planted['item_id']}" in out
    assert "gate FAIL max-regressions" in out
    assert all(r["cached"] for r in second.records)  # the rerun was answered from the response cache


def test_server_errors_are_errors_not_wrong_answers(run_suite) -> None:  # type: ignore[no-untyped-def]
    with LocalServer(reply=_always_seven, fault=Fault("server_error")) as server:
        run = run_suite("--limit=2", *_server_args(server), "--max-retries=1")
    run.result.assert_outcomes(errors=2)
    summary = run.summary
    assert summary["tests"]["errors"] == 2
    assert summary["metrics"]["micro"]["n"] == 0
    assert summary["metrics"]["micro"]["n_errors"] == 2
    assert summary["metrics"]["micro"]["rer"] is None
    assert all(r["error"] and r["answer"] is None and r["correct"] is None for r in run.records)
    assert "model call(s) failed after retries" in run.result.stdout.str()


def test_error_budget_lets_a_gated_run_pass(run_suite) -> None:  # type: ignore[no-untyped-def]
    with LocalServer(reply=_always_seven, fault=Fault("server_error", count=1)) as server:
        run = run_suite("--limit=2", *_server_args(server), "--max-retries=0", "--min-rer=1", "--max-errors=1")
    assert run.result.ret == pytest.ExitCode.OK, run.result.stdout.str()
    run.result.assert_outcomes(passed=1, xfailed=1)  # the error is within the budget the user gave
    assert run.summary["tests"]["errors"] == 1
    assert "gate PASS max-errors: target 1, actual 1" in run.result.stdout.str()


def test_bad_gate_value_is_a_usage_error(run_suite) -> None:  # type: ignore[no-untyped-def]
    run = run_suite("--limit=1", "--min-rer=85")
    assert run.result.ret == pytest.ExitCode.USAGE_ERROR
    assert "outside [0, 1]" in run.result.stderr.str()
