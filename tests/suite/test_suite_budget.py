"""Budget and bill end to end: a budget below one call is a usage error, a budget stop is named in the summary
line, the reference model costs $0, and `--collect-only` gives a typical cost beside the range."""

from __future__ import annotations

import pytest

from tests.support.localserver import LocalServer

pytestmark = pytest.mark.slow
PRICED = "--model=openai/gpt-4o-mini-2024-07-18"


def test_a_budget_below_one_call_is_a_usage_error_naming_the_minimum(run_suite, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.setenv("OPENAI_API_KEY", "sk-test")
    with LocalServer(reply=lambda _m: "Answer: 7") as srv:
        run = run_suite(PRICED, f"--api-base={srv.base_url}", "--limit=3", "--max-cost=0.0001")
        assert srv.request_count == 0
    assert run.result.ret == pytest.ExitCode.USAGE_ERROR and run.run_dir is None
    err = run.result.stderr.str()
    assert "--max-cost 0.0001 is below one call's worst case" in err
    minimum = float(err.split("give --max-cost ")[1].split()[0])
    assert minimum > 2048 * 0.6e-6  # at least SoEBench's 2048 output tokens at gpt-4o-mini's output price


def test_a_budget_stop_is_named_in_the_summary_line(run_suite, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.setenv("OPENAI_API_KEY", "sk-test")
    with LocalServer(reply=lambda _m: "x" * 4000 + " Answer: 7") as srv:
        run = run_suite(PRICED, f"--api-base={srv.base_url}", "--limit=6", "--max-cost=0.004", "--max-errors=100",
                        "--retry-backoff=0.01")
    refused = run.summary["usage"]["budget_exhausted"]
    assert refused > 0 and run.summary["errors_by_kind"].get("budget_exhausted") == refused
    assert "unclassified" not in run.summary["errors_by_kind"]
    line = next(x for x in run.result.stdout.lines if x.startswith("model openai/gpt-4o-mini"))
    assert f"BUDGET STOP: {refused} call(s) not sent (--max-cost $0.004 reached)" in line


def test_the_reference_model_costs_nothing(run_suite) -> None:  # type: ignore[no-untyped-def]
    run = run_suite("--limit=1", "--response-cache=off")
    usage = run.summary["usage"]
    assert usage["cost_usd"] == 0.0 and usage["calls"] > 0
    assert "cost $0.0000" in run.result.stdout.str() and "cost unknown" not in run.result.stdout.str()


def test_collect_only_gives_a_typical_cost_beside_the_range(run_suite, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.setenv("ANTHROPIC_API_KEY", "sk-test")
    run = run_suite("--model=claude-haiku-4.5", "--limit=3", "--collect-only")
    out = run.result.stdout.str()
    assert "estimated cost $" in out and "; typically $" in out
    assert "assuming 300 output tokens per call: no cached reply of this model" in out
