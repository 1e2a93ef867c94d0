"""Issue 10 end to end: faults and hostile input give one clear line, lose nothing and inject nothing.

Each run is the whole suite in-process (pytester) against the local server with a fault switched on.
"""

from __future__ import annotations

import os
from pathlib import Path
from xml.etree import ElementTree

import pytest

from pytest_restgate.core.rundir import RUNNING
from pytest_restgate.fixtures.models.cache import DB_NAME
from tests.support.localserver import HOSTILE, Fault, LocalServer

pytestmark = pytest.mark.slow


def _answer(messages: list[dict[str, object]]) -> str:
    return "Thinking.\nAnswer: 7"


def _args(server: LocalServer, *more: str) -> tuple[str, ...]:
    return ("--model=openai/scripted", f"--api-base={server.base_url}", "--retry-backoff=0.01", *more)


def _one_line_usage_error(run, *needles: str) -> str:  # type: ignore[no-untyped-def]
    assert run.result.ret == pytest.ExitCode.USAGE_ERROR, run.result.stdout.str()
    err = run.result.stderr.str()
    assert "INTERNALERROR" not in err + run.result.stdout.str() and "Traceback" not in err
    assert all(n in err for n in needles), err
    assert run.run_dir is None  # a run that never started leaves no folder
    return err


@pytest.mark.parametrize("cache", ["use", "off"])
def test_a_lone_surrogate_is_stored_scored_and_shown(run_suite, cache: str) -> None:  # type: ignore[no-untyped-def]
    """Case 1."""
    with LocalServer(reply=_answer, fault=Fault("surrogate")) as server:
        run = run_suite("--limit=2", *_args(server, f"--response-cache={cache}"))
    tests = run.summary["tests"]
    assert tests["errors"] == 0 and tests["passed"] + tests["inconsistent"] == 2, run.result.stdout.str()
    assert len(run.records) == 8 and all(r["sanitized"] and "\ufffd" in r["response"] for r in run.records)
    assert all(r["answer"] is not None for r in run.records if r["modality"] != "ocr")  # scored
    assert "INTERNALERROR" not in run.result.stdout.str() and "soebench/0000" in run.html


def test_a_corrupt_cache_is_moved_aside_and_the_run_goes_on(run_suite, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    """Case 2: random bytes in place of the SQLite file."""
    cache = tmp_path / "cache"
    cache.mkdir()
    (cache / DB_NAME).write_bytes(os.urandom(8192))
    with LocalServer(reply=_answer) as server:
        run = run_suite("--limit=2", *_args(server), cache_dir=cache)
    run.result.assert_outcomes(passed=2)
    out = run.result.stdout.str()
    assert "was unreadable" in out and "moved to responses.sqlite3.unreadable-" in out
    assert "Task exception was never retrieved" not in out + run.result.stderr.str()


def test_an_unwritable_cache_folder_is_a_usage_error(run_suite, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    blocker = tmp_path / "cache"
    blocker.write_text("a file where the cache folder should be")
    with LocalServer(reply=_answer) as server:
        run = run_suite("--limit=1", *_args(server), cache_dir=blocker)
        assert server.request_count == 0
    _one_line_usage_error(run, "--response-cache-dir", "--response-cache=off")


def test_an_unwritable_report_dir_is_a_usage_error(run_suite, pytester: pytest.Pytester, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    """Case 3: a file in place of --report-dir (the tests run as root, so a read-only folder would not stop it)."""
    blocker = tmp_path / "reports-file"
    blocker.write_text("x")
    with LocalServer(reply=_answer) as server:
        result = pytester.runpytest_inprocess("-p", "no:cacheprovider", f"--report-dir={blocker}", "--limit=1",
                                              f"--response-cache-dir={tmp_path / 'c'}", *_args(server))
        assert server.request_count == 0
    assert result.ret == pytest.ExitCode.USAGE_ERROR
    assert "--report-dir" in result.stderr.str() and "INTERNALERROR" not in result.stdout.str()


def test_usage_errors_leave_no_run_folder_and_a_finished_run_no_marker(run_suite) -> None:  # type: ignore[no-untyped-def]
    """Case 3: a usage error found at collection (a path that does not exist) used to leave a folder."""
    with LocalServer(reply=_answer) as server:
        failed = run_suite("--limit=1", *_args(server), "tests_rest/no_such_file.py")
        assert failed.result.ret == pytest.ExitCode.USAGE_ERROR
        assert failed.run_dir is None
        done = run_suite("--limit=1", *_args(server))
    assert done.run_dir is not None and not (done.run_dir / RUNNING).exists()


def test_escape_sequences_reach_no_terminal_junit_or_html(run_suite, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    """Case 4: the error message carries clear-screen, a window title, an OSC-8 link and BEL."""
    junit = tmp_path / "junit.xml"
    with LocalServer(reply=_answer, fault=Fault("hostile_error")) as server:
        run = run_suite("--limit=1", *_args(server, "--max-retries=0", f"--junitxml={junit}"))
    run.result.assert_outcomes(errors=1)
    for text in (run.result.stdout.str(), run.result.stderr.str(), junit.read_text(), run.html):
        assert "\x1b" not in text and "\x07" not in text and "\x9b" not in text and "]0;pwned" not in text
    assert ElementTree.parse(junit).getroot() is not None  # still well-formed XML
    assert any(HOSTILE in (r["error"] or "") for r in run.records)  # results.jsonl keeps the raw text


def test_credentials_in_the_api_base_are_refused_before_any_call(run_suite) -> None:  # type: ignore[no-untyped-def]
    """Case 5, then issue 22: a key inside --api-base is refused with the fix, and shown nowhere."""
    with LocalServer(reply=_answer) as server:
        base = f"http://bob:PASSWORDSECRET@127.0.0.1:{server.port}/v1"  # query secrets: tests/reports
        run = run_suite("--limit=1", "--model=openai/scripted", f"--api-base={base}", "--max-retries=0")
        assert server.request_count == 0
    err = _one_line_usage_error(run, "carries credentials", "OPENAI_API_KEY", "http://***@127.0.0.1")
    assert "PASSWORDSECRET" not in err + run.result.stdout.str()


@pytest.mark.parametrize(("args", "needle"), [
    (("--api-base=http://[::1/v1", "--model=openai/x"), "--api-base"),
    (("--call-timeout=nan",), "--call-timeout"),
    (("--retry-backoff=inf",), "--retry-backoff"),
    (("--min-rer=nan",), "--min-rer"),
])
def test_bad_input_is_one_usage_line(run_suite, args: tuple[str, ...], needle: str) -> None:  # type: ignore[no-untyped-def]
    """Case 6."""
    _one_line_usage_error(run_suite("--limit=1", *args), needle)


def test_a_binary_baseline_is_one_usage_line(run_suite, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    binary = tmp_path / "baseline.json"
    binary.write_bytes(bytes(range(256)) * 8)
    _one_line_usage_error(run_suite("--limit=1", f"--baseline={binary}"), "--baseline", "not a text file")


def test_a_deeply_nested_data_row_is_one_usage_line(run_suite, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    (tmp_path / "mmlu.jsonl").write_text("[" * 200_000 + "]" * 200_000 + "\n")
    run = run_suite("--limit=1", "--datasets=mmlu", f"--data-dir={tmp_path}")
    _one_line_usage_error(run, "--datasets", "nested too deeply")


def test_an_errored_unit_is_one_short_paragraph(run_suite) -> None:  # type: ignore[no-untyped-def]
    """Case 8 (and 7 end to end): no traceback, no base64 thumbnail; the error classes are counted apart."""
    with LocalServer(reply=_answer, fault=Fault("overloaded")) as server:
        run = run_suite("--limit=1", *_args(server, "--max-retries=1"))
    run.result.assert_outcomes(errors=1)
    out = run.result.stdout.str()
    assert "Traceback" not in out and "iVBOR" not in out and "def _evaluate_for_test" not in out
    assert "model call(s) failed after retries" in out and "provider overloaded (529) (gave up after 2 attempts)" in out
    assert "(500)" not in out
    assert {r["error_kind"] for r in run.records} == {"transient"}


def test_giant_replies_are_clipped_in_html_and_whole_in_results(run_suite) -> None:  # type: ignore[no-untyped-def]
    """Case 9: two items of 1 MB replies made an 8.4 MB report (issue 22: 1 MB is over the default reply cap)."""
    with LocalServer(reply=_answer, fault=Fault("huge", size=1_000_000)) as server:
        run = run_suite("--limit=2", *_args(server, "--max-reply-bytes=2000000"))
    assert all(len(r["response"]) == 1_000_000 for r in run.records)
    size = (run.run_dir / "report.html").stat().st_size
    assert size < 1_000_000, size
    assert "truncated" in run.html and "the full text is in results.jsonl" in run.html


def test_the_terminal_points_to_the_html_that_was_written(run_suite, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    """Case 11."""
    mine = tmp_path / "mine.html"
    with LocalServer(reply=_answer) as server:
        run = run_suite("--limit=1", *_args(server), f"--html={mine}")
    assert mine.is_file()
    assert f"report: {mine}" in run.result.stdout.str()
    assert not (run.run_dir / "report.html").exists()

