"""The one reading of the verdict (reports/release.py), the JUnit answers and the markdown, on hand-made summaries."""

from __future__ import annotations

import json
from typing import Any

from pytest_restgate.reports.findings import junit_answers
from pytest_restgate.reports.markdown import cell, summary_markdown
from pytest_restgate.reports.release import add_banner, release_verdict


def _gate(label: str, passed: bool) -> dict[str, Any]:
    return {"label": label, "passed": passed, "line": f"{'PASS' if passed else 'FAIL'} {label}: target 1, actual 0"}


def _summary(**over: Any) -> dict[str, Any]:
    base: dict[str, Any] = {"complete": True, "tests": {"passed": 3, "inconsistent": 0, "failed_other": 0,
                                                          "errors": 0}, "gates": [], "gate_passed": None}
    return base | over


def test_gated_verdict_names_the_failing_gates_only() -> None:
    summary = _summary(gates=[_gate("min-rer", False), _gate("max-errors", True), _gate("max-cfr[mmlu]", False)],
                       gate_passed=False)
    verdict = release_verdict(summary, exit_status=1)
    assert verdict.word == "FAILED" and verdict.reasons == ("min-rer", "max-cfr[mmlu]")
    assert verdict.line == "restgate release gate FAILED: min-rer; max-cfr[mmlu]"
    assert len(verdict.gate_lines) == 3


def test_gated_pass_ignores_findings_but_not_other_failures() -> None:
    passing = _summary(gates=[_gate("min-rer", True)], gate_passed=True,
                       tests={"passed": 1, "inconsistent": 5, "failed_other": 0, "errors": 0})
    assert release_verdict(passing, 0).line == "restgate release gate PASSED: every gate passed"
    broken = passing | {"tests": {**passing["tests"], "failed_other": 2}}
    assert release_verdict(broken).word == "FAILED"
    assert "2 test(s) failed for another reason" in release_verdict(broken).line


def test_incomplete_wins_over_everything() -> None:
    summary = _summary(complete=False, planned=6, finished=1, incomplete_reason="stopped after 1 failure",
                       gates=[_gate("min-rer", True)], gate_passed=False)
    verdict = release_verdict(summary, 1)
    assert verdict.word == "INCOMPLETE" and "1 of 6 planned tests finished (stopped after 1 failure)" in verdict.line


def test_without_gates_pytest_status_is_the_verdict() -> None:
    failing = _summary(tests={"passed": 1, "inconsistent": 2, "failed_other": 0, "errors": 1})
    verdict = release_verdict(failing, 1)
    assert verdict.word == "FAILED" and not verdict.gated
    assert verdict.reasons == ("2 inconsistent test(s) (no gate options: pytest's rule)", "1 errored test(s)")
    allowed = _summary(run={"unavailable": {"mmlu": "no file"}})  # --allow-missing-datasets: pytest said 0
    assert release_verdict(allowed, 0).passed and not release_verdict(allowed, None).passed
    assert release_verdict(_summary(), 1).reasons == ("pytest exit status 1",)  # e.g. a collection error


def test_banner_goes_above_the_environment_box_once() -> None:
    page = '<body><h1 id="title">t</h1><div id="environment-header"><h2>Environment</h2></div></body>'
    verdict = release_verdict(_summary(gates=[_gate("min-rer", False)], gate_passed=False), 1)
    marked = add_banner(page, verdict)
    assert marked.index('id="restgate-verdict"') < marked.index('id="environment-header"')
    assert 'data-verdict="FAILED"' in marked and add_banner(marked, verdict) == marked


def _records(answers: dict[str, str | None]) -> list[dict[str, Any]]:
    base = {"item_id": "soebench/0001", "dataset": "soebench", "style": "dejavu-200dpi", "strategy": "direct",
            "gold": "7", "response": "x" * 3000, "error": None}
    out = [{**base, "modality": "ocr", "answer": None, "cer": 0.0123456}]
    return out + [{**base, "modality": m, "answer": a, "cer": None} for m, a in answers.items()]


def test_junit_answers_are_a_few_hundred_bytes_with_the_three_answers() -> None:
    text = junit_answers(_records({"text": "7", "image": "8\x1b[31m", "mixed": None}))  # type: ignore[arg-type]
    (unit,) = json.loads(text)
    assert (unit["text"], unit["mixed"], unit["gold"], unit["ocr_cer"]) == ("7", None, "7", 0.0123)
    assert "\x1b" not in unit["image"] and len(text) < 200


def test_markdown_starts_with_the_verdict_and_escapes_answers() -> None:
    summary = _summary(
        gates=[_gate("min-rer", False)], gate_passed=False,
        metrics={"datasets": {"soebench": {"n": 2, "rer": 0.5, "n_errors": 0}}, "micro": {"n": 2, "rer": 0.5}},
        interval_by_dataset={"soebench": {"rer": {"low": 0.09, "high": 0.91}}}, intervals={},
        units=[{"item_id": "soebench/0001", "style": "s", "answer_text": "7", "answer_image": "a|b<script>",
                "answer_mixed": "7", "gold": "7", "ocr_cer": 0.1, "consistent": False, "errored": False}],
        baseline={"path": "/x/base.json", "newly_inconsistent": [{"item_id": "soebench/0001", "style": "s"}],
                  "newly_consistent": [], "n_compared": 2})
    text = summary_markdown(summary, release_verdict(summary, 1))
    assert text.splitlines()[0] == "## ❌ restgate release gate FAILED: min-rer"
    assert "| soebench | 2 | 0.500 [0.09, 0.91] |" in text
    assert "a\\|b&lt;script&gt;" in text and "<script>" not in text
    assert "regressed: soebench/0001 [s]" in text and "FAIL min-rer" in text
    assert cell("x\ny") == "x y"
