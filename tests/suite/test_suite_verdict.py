"""One verdict everywhere: exit status, the terminal's last line, the JUnit gate testcase, the HTML banner and the
markdown summary agree, on a gate that passes despite findings and on one that fails."""

from __future__ import annotations

from pathlib import Path
from typing import Any
from xml.etree import ElementTree

import pytest

from tests.support.localserver import LocalServer

pytestmark = pytest.mark.slow


def _blind(messages: list[dict[str, Any]]) -> str:
    """7 from text, 8 from an image: every item inconsistent."""
    seen = any(isinstance(m.get("content"), list) and any(p.get("type") == "image_url" for p in m["content"])
               for m in messages)
    return "Answer: 8" if seen else "Answer: 7"


def _args(server: LocalServer, junit: Path, md: Path) -> tuple[str, ...]:
    return ("--limit=3", "--model=openai/scripted", f"--api-base={server.base_url}", "--retry-backoff=0.01",
            f"--junitxml={junit}", f"--md-summary={md}")


def _junit(path: Path) -> tuple[ElementTree.Element, dict[str, ElementTree.Element]]:
    suite = ElementTree.parse(path).getroot().find("testsuite")
    assert suite is not None
    return suite, {f"{c.get('classname')}::{c.get('name')}": c for c in suite.iter("testcase")}


@pytest.mark.parametrize("xdist", [(), ("-n", "2")], ids=["serial", "xdist"])
def test_a_passing_gate_with_findings_is_green_everywhere(run_suite, tmp_path: Path, xdist) -> None:  # type: ignore[no-untyped-def]
    junit, md = tmp_path / "junit.xml", tmp_path / "summary.md"
    with LocalServer(reply=_blind) as server:
        run = run_suite(*_args(server, junit, md), "--min-rer=0", *xdist)
    assert run.result.ret == pytest.ExitCode.OK, run.result.stdout.str()
    assert run.result.stdout.str().rstrip().splitlines()[-1] == "restgate release gate PASSED: every gate passed"
    suite, cases = _junit(junit)
    assert (suite.get("failures"), suite.get("errors")) == ("0", "0")  # exit 0: no JUnit failure or error
    assert not list(suite.iter("failure")) and not list(suite.iter("error"))
    gate = cases["restgate::release_gate"]
    props = [(p.get("name"), str(p.get("value"))) for p in gate.iter("property")]
    assert ("restgate_release_verdict", "PASSED") in props
    assert any(name == "restgate_gate" and value.startswith("PASS min-rer") for name, value in props)
    findings = [c for name, c in cases.items() if "test_rest" in name]
    assert len(findings) == 3
    for case in findings:  # each inconsistent item stays visible, with its answers
        skipped = case.find("skipped")
        assert skipped is not None and skipped.get("type") == "pytest.xfail"
        assert "text=7  image=8  mixed=8" in str(skipped.get("message"))
        assert '"text":"7","image":"8","mixed":"8"' in {p.get("name"): p.get("value")
                                                         for p in case.iter("property")}["restgate_records"]
    assert run.summary["tests"]["inconsistent"] == 3  # still counted as inconsistent, not as skipped
    assert run.summary["release"] == {"word": "PASSED", "line": "restgate release gate PASSED: every gate passed",
                                      "reasons": [], "gated": True, "exit_status": 0}  # summary.json says it too
    html = run.html
    assert 'data-verdict="PASSED"' in html
    assert '<span class="failed">0 Failed,</span>' in html and "release_gate" not in html  # as pytest's counts
    assert html.index('id="restgate-verdict"') < html.index('id="environment-header"')
    assert md.read_text().splitlines()[0] == "## ✅ restgate release gate PASSED: every gate passed"


def test_a_failing_gate_fails_once_everywhere(run_suite, tmp_path: Path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    junit, md = tmp_path / "junit.xml", tmp_path / "step-summary.md"
    md.write_text("earlier step\n")
    monkeypatch.setenv("GITHUB_STEP_SUMMARY", str(md))
    with LocalServer(reply=_blind) as server:
        args = [a for a in _args(server, junit, md) if not a.startswith("--md-summary")]
        run = run_suite(*args, "--min-rer=0.5")
    assert run.result.ret == pytest.ExitCode.TESTS_FAILED
    out = run.result.stdout.str().rstrip().splitlines()
    assert out[-1] == "restgate release gate FAILED: min-rer"
    assert run.summary["release"] == {"word": "FAILED", "line": out[-1], "reasons": ["min-rer"], "gated": True,
                                      "exit_status": 1}
    assert "1 failed" in out[-2] and "3 xfailed" in out[-2]  # pytest's own line: the gate is the failed test
    suite, cases = _junit(junit)
    assert (suite.get("failures"), suite.get("errors")) == ("1", "0")
    failure = cases["restgate::release_gate"].find("failure")
    assert failure is not None and failure.get("message", "").startswith("restgate release gate FAILED: min-rer")
    assert "gate FAIL min-rer: target 0.5, actual 0.0000" in (failure.text or "")
    assert 'data-verdict="FAILED"' in run.html
    # the page counts what pytest's line counts: the gate is its one failed row, with every gate line in its log
    assert '<span class="failed">1 Failed,</span>' in run.html and '3 Expected failures' in run.html
    assert "restgate::release_gate" in run.html and "gate FAIL min-rer: target 0.5" in run.html
    text = md.read_text()
    assert text.startswith("earlier step\n## ❌ restgate release gate FAILED: min-rer\n")  # appended
    assert "| soebench | 3 | 0.000 [0.00, 0.56] |" in text
    assert "| soebench/0000" in text and "| 7 | 8 | 8 |" in text  # the top inconsistent items with their answers


def test_a_run_judged_by_pytests_rule_records_its_verdict_for_every_reader(run_suite, tmp_path: Path, capsys) -> None:  # type: ignore[no-untyped-def]
    """Without gate options summary.json's gate word is NO-GATE; its `release` is the verdict the terminal, the page
    and the run index show, so a CI step or a person reading any of them sees FAILED."""
    from pytest_restgate.reports.cli import main

    with LocalServer(reply=_blind) as server:
        run = run_suite("--limit=3", "--model=openai/scripted", f"--api-base={server.base_url}",
                        "--retry-backoff=0.01")
    assert run.result.ret == pytest.ExitCode.TESTS_FAILED
    last = run.result.stdout.str().rstrip().splitlines()[-1]
    assert last == "restgate release gate FAILED: 3 inconsistent test(s) (no gate options: pytest's rule)"
    assert run.summary["verdict"] == "NO-GATE" and run.summary["gate_passed"] is None
    assert run.summary["release"] == {"word": "FAILED", "line": last, "reasons": [last.split(": ", 1)[1]],
                                      "gated": False, "exit_status": 1}
    assert 'data-verdict="FAILED"' in run.html
    index = (run.run_dir.parent / "index.html").read_text()
    assert '<span class="fail">FAILED</span>' in index and "not recorded" not in index
    capsys.readouterr()
    assert main(["runs", "--report-dir", str(run.run_dir.parent)]) == 0
    assert " FAILED " in capsys.readouterr().out
