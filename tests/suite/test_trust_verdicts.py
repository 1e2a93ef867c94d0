"""Issue 9, cases 1-3: a unit is what was asked, an unfinished run has no verdict, a gate needs data.

End to end through the local OpenAI-compatible server: each test failed on the code before issue 9.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest

from tests.support.localserver import Fault, LocalServer

pytestmark = pytest.mark.slow


def blind(messages: list[dict[str, Any]]) -> str:
    """Answers 8 when it gets an image, 7 otherwise: every unit is inconsistent."""
    image = any(p.get("type") == "image_url" for m in messages if isinstance(m.get("content"), list)
                for p in m["content"])
    return "Answer: 8" if image else "Answer: 7"


def server_args(srv: LocalServer) -> list[str]:
    return ["--model=openai/blind", f"--api-base={srv.base_url}", "--retry-backoff=0"]


def test_a_seed_change_compares_no_unit_by_number_and_says_it_compared_rates(  # type: ignore[no-untyped-def]
    run_suite, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("OPENAI_API_KEY", "sk-test")
    baseline = tmp_path / "base.json"
    with LocalServer(reply=lambda _m: "Answer: 7") as srv:
        first = run_suite(*server_args(srv), "--limit=3", f"--save-baseline={baseline}")
    assert first.result.ret == 0 and baseline.exists()
    assert all(re.fullmatch(r"[0-9a-f]{64}", u["digest"]) for u in first.summary["units"])
    with LocalServer(reply=blind) as srv:
        second = run_suite(*server_args(srv), "--limit=3", "--seed=7", f"--baseline={baseline}", "-rx")
    regression = second.summary["baseline"]
    assert regression["n_compared"] == 0 and regression["newly_inconsistent"] == []  # other systems, same numbers
    assert regression["not_comparable"] == {"only_previous": 3, "only_current": 3}
    assert regression["rates"]["difference"] == -1.0
    out = second.result.stdout.str()
    assert "no unit in common with the baseline" in out and "compared rates instead" in out
    # the test id carries the content digest, so pytest's --lf cannot take seed 7's 0000 for seed 2512's
    assert re.search(r"test_rest\[soebench/0000-[0-9a-f]{6}\]", out)
    assert {u["digest"] for u in first.summary["units"]}.isdisjoint(u["digest"] for u in second.summary["units"])


@pytest.mark.parametrize("stop", ["-x", "--maxfail=2"])
def test_a_run_stopped_early_is_incomplete_and_saves_no_baseline(  # type: ignore[no-untyped-def]
    run_suite, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, stop: str
) -> None:
    monkeypatch.setenv("OPENAI_API_KEY", "sk-test")
    baseline = tmp_path / "base.json"
    # under gate options an inconsistency is a finding (an xfail) that -x does not stop on; a call error is not
    with LocalServer(reply=blind, latency_s=0.05, fault=Fault("server_error")) as srv:
        run = run_suite(*server_args(srv), "--limit=6", stop, "--min-rer=0", "--max-cfr=1", "--max-retries=0",
                        f"--save-baseline={baseline}")
    assert run.result.ret != 0
    summary = run.summary
    assert summary["complete"] is False and summary["verdict"] == "INCOMPLETE"
    assert summary["planned"] == 6 and summary["finished"] == int(stop[-1]) if stop != "-x" else 1
    assert summary["gate_passed"] is False and not baseline.exists()
    out = run.result.stdout.str()
    assert "INCOMPLETE run:" in out and "release gate PASSED" not in out
    assert out.rstrip().splitlines()[-1].startswith("restgate release gate INCOMPLETE: ")
    assert "INCOMPLETE run:" in run.html


@pytest.mark.parametrize(("stop", "named"), [(["-x"], "-x (--maxfail=1)"), (["--maxfail=2", "-n", "2"], "--maxfail=2")])
def test_a_stop_on_failures_is_named_by_its_option(  # type: ignore[no-untyped-def]
    run_suite, monkeypatch: pytest.MonkeyPatch, stop: list[str], named: str
) -> None:
    """Issue 22 part 5: under xdist --maxfail read "interrupted (Ctrl-C)"."""
    monkeypatch.setenv("OPENAI_API_KEY", "sk-test")
    with LocalServer(reply=blind, latency_s=0.05) as srv:
        run = run_suite(*server_args(srv), "--limit=6", *stop)
    reason = run.summary["incomplete_reason"]
    assert reason.startswith(named) and "Ctrl-C" not in reason, reason
    assert "Ctrl-C" not in run.result.stdout.str()


def test_pytest_exit_with_status_zero_is_still_incomplete(run_suite, monkeypatch, pytester) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.setenv("OPENAI_API_KEY", "sk-test")
    pytester.makeconftest(
        (Path(pytester.path) / "conftest.py").read_text()
        + "\n\ndef pytest_runtest_logreport(report):\n    import pytest\n"
        "    if report.when == 'call':\n        pytest.exit('stop here', returncode=0)\n"
    )
    with LocalServer(reply=lambda _m: "Answer: 7") as srv:
        run = run_suite(*server_args(srv), "--limit=4", "--min-rer=0")
    assert run.result.ret != 0
    assert run.summary["complete"] is False and run.summary["finished"] < run.summary["planned"] == 4


def test_a_gate_with_every_call_failed_fails_with_no_data(run_suite, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.setenv("OPENAI_API_KEY", "sk-test")
    with LocalServer(reply=blind, fault=Fault("server_error")) as srv:
        run = run_suite(*server_args(srv), "--limit=3", "--max-retries=0", "--max-errors=10", "--min-rer=0")
    assert run.result.ret != 0 and run.summary["gate_passed"] is False
    assert srv.request_count == run.summary["usage"]["calls"]
    out = run.result.stdout.str()
    assert "FAIL min-rer: target 0, no data" in out and "FAIL min-items[soebench]" in out


def _mmlu_row(n: int, question: str = "Which is a prime number?") -> str:
    return json.dumps({"question": f"{question} ({n})", "subject": "math", "choices": ["4", "6", "7", "9"],
                       "answer": 2})


@pytest.mark.parametrize("workers", [[], ["-n", "2"]])
@pytest.mark.parametrize("content", ["", "\n\n", "latex"])
def test_a_named_dataset_with_no_items_is_a_usage_error(  # type: ignore[no-untyped-def]
    run_suite, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, workers: list[str], content: str
) -> None:
    monkeypatch.setenv("OPENAI_API_KEY", "sk-test")
    data = tmp_path / "data"
    data.mkdir()
    rows = "\n".join(_mmlu_row(n, "Solve $x^2$") for n in range(3)) if content == "latex" else content
    (data / "mmlu.jsonl").write_text(rows)
    with LocalServer(reply=blind) as srv:
        run = run_suite(*server_args(srv), "--datasets=mmlu", f"--data-dir={data}", *workers)
    assert run.result.ret == pytest.ExitCode.USAGE_ERROR
    err = run.result.stderr.str()
    assert "mmlu.jsonl" in err and "yields no items" in err and "INTERNALERROR" not in err
    assert ("all 3 rows were filtered out" in err) if content == "latex" else ("empty" in err)
    assert srv.request_count == 0


def test_an_unavailable_dataset_fails_every_gate_and_a_short_one_warns(  # type: ignore[no-untyped-def]
    run_suite, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("OPENAI_API_KEY", "sk-test")
    data = tmp_path / "data"
    data.mkdir()
    (data / "mmlu.jsonl").write_text("\n".join(_mmlu_row(n) for n in range(2)))
    with LocalServer(reply=lambda _m: "Answer: C") as srv:
        short = run_suite(*server_args(srv), "--datasets=mmlu", f"--data-dir={data}", "--limit=3", "--min-rer=0")
        missing = run_suite(*server_args(srv), "--datasets=soebench,mmlu", "--limit=2", "--min-rer=0")
        allowed = run_suite(*server_args(srv), "--datasets=soebench,mmlu", "--limit=2", "--min-rer=0",
                            "--allow-missing-datasets")
    assert short.result.ret == 0, short.result.stdout.str()
    assert "warning: mmlu: only 2 items available, fewer than --limit 3" in short.result.stdout.str()
    assert "only 2 items available" in short.html
    out = missing.result.stdout.str()
    assert missing.summary["run"]["unavailable"].keys() == {"mmlu"}
    assert missing.result.ret != 0 and "FAIL dataset[mmlu]: not loaded" in out
    assert allowed.result.ret == 0, allowed.result.stdout.str()


def test_an_unavailable_dataset_fails_a_run_without_gates_too(  # type: ignore[no-untyped-def]
    run_suite, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Without gates pytest would pass a run whose only test of a named dataset is a skip."""
    monkeypatch.setenv("OPENAI_API_KEY", "sk-test")
    with LocalServer(reply=lambda _m: "Answer: 7") as srv:
        missing = run_suite(*server_args(srv), "--datasets=soebench,mmlu", "--limit=2")
        allowed = run_suite(*server_args(srv), "--datasets=soebench,mmlu", "--limit=2", "--allow-missing-datasets")
    missing.result.assert_outcomes(passed=2, skipped=1)
    assert missing.result.ret == pytest.ExitCode.TESTS_FAILED
    assert "restgate FAILED: mmlu named in --datasets but not loaded" in missing.result.stdout.str()
    assert allowed.result.ret == pytest.ExitCode.OK, allowed.result.stdout.str()
