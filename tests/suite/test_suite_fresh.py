"""The fresh SoEBench search under its call budget, against a flapping server, and replayed from the cache.

A spent budget ends the search with the smallest inconsistent system found (one line plus the system written
out), never a Hypothesis FlakyFailure; a different verdict on the very same requests is "not reproducible".
"""

from __future__ import annotations

import json
import threading
from collections import Counter
from pathlib import Path
from typing import Any

import pytest

from pytest_restgate.fixtures.evaluation.prompts import OCR_INSTRUCTION
from tests.support.localserver import LocalServer
from tests.support.planted import big_digits_differ, fails_with_c, has_image, texts_of

pytestmark = pytest.mark.slow

HYPOTHESIS_NOISE = ("FlakyFailure", "ExceptionGroup", "_WrappedBaseException", "Traceback", "hypothesis.errors")


class Flapping:
    """Answers an image prompt 8 the first time it is asked and 7 ever after: a different verdict on the very
    same request (as a model at temperature 1, or a server that changes its answers)."""

    def __init__(self) -> None:
        self.seen: Counter[str] = Counter()
        self.lock = threading.Lock()

    def __call__(self, messages: list[dict[str, Any]]) -> str:
        if texts_of(messages)[:1] == [OCR_INSTRUCTION]:
            return "unreadable"
        with self.lock:
            key = json.dumps(messages, sort_keys=True)
            self.seen[key] += 1
            first = self.seen[key] == 1
        return "Answer: 8" if has_image(messages) and first else "Answer: 7"


def _args(server: LocalServer, *extra: str) -> tuple[str, ...]:
    return ("--model=openai/scripted", f"--api-base={server.base_url}", "--retry-backoff=0.01", "--limit=1",
            "-k", "fresh", *extra)


def _clean(out: str) -> None:
    for noise in HYPOTHESIS_NOISE:
        assert noise not in out, out[-4000:]


def _stored(cache: Path) -> list[dict[str, Any]]:
    path = cache / "fresh-counterexamples.jsonl"
    return [json.loads(line) for line in path.read_text().splitlines()] if path.exists() else []


def test_a_budget_spent_mid_shrink_reports_the_smallest_system_found(run_suite, tmp_path) -> None:  # type: ignore[no-untyped-def]
    cache = tmp_path / "cache"
    with LocalServer(reply=big_digits_differ) as server:
        run = run_suite(*_args(server, "--fresh-examples=10", "--fresh-call-budget=20"), cache_dir=cache)
        requests = server.request_count
    out = run.result.stdout.str()
    run.result.assert_outcomes(failed=1)
    _clean(out)
    assert requests <= 20
    line = next(x for x in out.splitlines() if "inconsistent across modalities" in x and "FAILED" not in x)
    assert "text=9" in line and "image=7" in line and "shrinking stopped by the call budget" in line, out[-3000:]
    (stored,) = _stored(cache)
    assert stored["id"] in out  # the stored system is the one reported
    size = len(stored["system"]["unknowns"])
    written = out[out.index(line) + len(line):].splitlines()[2:2 + size + 1]  # the system, under the line
    assert all("=" in x for x in written[:size]) and written[size].strip().startswith("What is the value of")
    fresh = run.run_dir / "results.jsonl"
    records = [json.loads(x) for x in fresh.read_text().splitlines()]
    assert sum(1 for r in records if r.get("fresh_recheck")) == 4  # the first find asked again, once
    assert len(records) == requests  # every paid call is a record, none twice


def test_a_budget_spent_before_any_find_passes_without_shrinking(run_suite, tmp_path) -> None:  # type: ignore[no-untyped-def]
    with LocalServer(reply=lambda _m: "Answer: 7") as server:
        run = run_suite(*_args(server, "--fresh-examples=10", "--fresh-call-budget=8"), cache_dir=tmp_path / "c")
        requests = server.request_count
    run.result.assert_outcomes(passed=1)
    _clean(run.result.stdout.str())
    assert requests == 8  # two systems paid, every later draw rejected (not passed as if judged)
    assert _stored(tmp_path / "c") == []


def test_a_budget_too_small_for_one_system_says_so(run_suite, tmp_path) -> None:  # type: ignore[no-untyped-def]
    with LocalServer(reply=lambda _m: "Answer: 7") as server:
        run = run_suite(*_args(server, "--fresh-examples=3", "--fresh-call-budget=3"), cache_dir=tmp_path / "c")
        requests = server.request_count
    out = run.result.stdout.str()
    run.result.assert_outcomes(failed=1)
    _clean(out)
    assert requests == 0 and "raise --fresh-call-budget" in out


def test_a_flapping_server_is_not_reproducible_and_nothing_is_stored(run_suite, tmp_path) -> None:  # type: ignore[no-untyped-def]
    with LocalServer(reply=Flapping()) as server:
        run = run_suite(*_args(server, "--fresh-examples=3", "--fresh-call-budget=100"), cache_dir=tmp_path / "c")
    out = run.result.stdout.str()
    run.result.assert_outcomes(failed=1)
    _clean(out)
    assert "not reproducible" in out and "then text=7 image=7 mixed=7" in out, out[-3000:]
    assert "shrinking" not in out  # nothing shrunk
    assert _stored(tmp_path / "c") == []


def test_a_stored_system_is_replayed_from_the_cache(run_suite, tmp_path) -> None:  # type: ignore[no-untyped-def]
    cache = tmp_path / "cache"
    with LocalServer(reply=fails_with_c) as server:
        first = run_suite(*_args(server, "--fresh-examples=30", "--fresh-call-budget=400"), cache_dir=cache)
        server.reset_requests()
        second = run_suite(*_args(server), cache_dir=cache)
        replayed = server.request_count
    first.result.assert_outcomes(failed=1)
    _clean(first.result.stdout.str())
    assert "shrinking finished" in first.result.stdout.str()
    (stored,) = _stored(cache)
    assert len(stored["system"]["unknowns"]) == 3  # shrunk to the smallest inconsistent size
    second.result.assert_outcomes(failed=1)
    assert stored["id"] in second.result.stdout.str()
    assert replayed == 0  # answered from the response cache
