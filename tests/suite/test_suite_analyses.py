"""End-to-end runs of the paper's analyses: REST+ styles, the OCR-first strategy, the fresh SoEBench search.

All through litellm's real HTTP path against the local OpenAI-compatible server, with scripted replies that make
the expected figures computable by hand.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest

from pytest_restgate.fixtures.evaluation.prompts import OCR_INSTRUCTION
from tests.support.localserver import LocalServer

pytestmark = pytest.mark.slow


def _texts(messages: list[dict[str, Any]]) -> list[str]:
    return [p["text"] for m in messages if isinstance(m.get("content"), list)
            for p in m["content"] if p.get("type") == "text"]


def _images(messages: list[dict[str, Any]]) -> int:
    return sum(1 for m in messages if isinstance(m.get("content"), list)
               for p in m["content"] if p.get("type") == "image_url")


def _transcriber(messages: list[dict[str, Any]]) -> str:
    """Transcribes every image as 'X = 5', answers 5 from text and 6 from an image: OCR-first fixes it."""
    texts = _texts(messages)
    if texts and texts[0] == OCR_INSTRUCTION:
        return "X = 5"
    return "Answer: 6" if _images(messages) else "Answer: 5"


def _server_args(server: LocalServer) -> tuple[str, ...]:
    return ("--model=openai/scripted", f"--api-base={server.base_url}", "--retry-backoff=0.01")


def test_rest_plus_run_reports_every_style(run_suite) -> None:  # type: ignore[no-untyped-def]
    with LocalServer(reply=_transcriber) as server:
        run = run_suite("--limit=2", "-m", "rest_plus", *_server_args(server), "--min-rer=0")
    assert run.result.ret == 0, run.result.stdout.str()
    run.result.assert_outcomes(xfailed=20)  # 2 items x 10 styles, each inconsistent (5 vs 6): gated findings
    records = run.records
    assert {r["style"] for r in records} == {
        f"{font}-{dpi}dpi" for font in ("dejavu", "courier", "cursive") for dpi in (50, 100, 200)
    } | {"colour-200dpi"}
    text_calls = [r for r in records if r["modality"] == "text"]
    assert sum(not r["cached"] for r in text_calls) == 2  # one text call per item, shared by its ten styles
    styles = run.summary["styles"]
    assert styles["grid"]["fonts"] == ["courier", "cursive", "dejavu"]
    assert styles["grid"]["dpis"] == [50, 100, 200]
    assert styles["colour"]["coloured_styles"] == ["colour-200dpi"]
    assert styles["cross_style"]["n"] == 2 and styles["cross_style"]["consistency"] == 1.0
    assert 'class="rg-table rg-heatmap" data-metric="rer"' in run.html
    assert 'id="restgate-colour"' in run.html
    assert re.search(r"soebench/0000-[0-9a-f]{6}\[courier-50dpi\]", run.html)  # id: number + content digest


def test_ocr_first_is_stored_as_its_own_strategy(run_suite) -> None:  # type: ignore[no-untyped-def]
    with LocalServer(reply=_transcriber) as server:
        run = run_suite("--limit=2", "--strategy=direct,ocr-first", *_server_args(server), "--min-rer=0")
        requests = server.request_count
    assert run.result.ret == 0, run.result.stdout.str()
    by = {(r["strategy"], r["modality"]): r for r in run.records if r["item_id"] == "soebench/0000"}
    assert by[("direct", "image")]["answer"] == "6"
    assert by[("ocr-first", "image")]["answer"] == "5"  # answered from its own transcription, as text
    assert by[("ocr-first", "mixed")]["answer"] == "5"
    strategies = run.summary["strategies"]
    assert strategies["direct"]["rer"] == 0.0 and strategies["ocr-first"]["rer"] == 1.0
    assert run.summary["primary_strategy"] == "direct"
    # per item: ocr, text, image, mixed (direct) + ocr of the stem, image and mixed from transcriptions; the two
    # items' OCR-first image prompts are identical ("X = 5" transcribed), so that call is made once
    assert requests == 2 * 7 - 1
    usage = run.summary["usage"]
    assert usage["calls"] == requests  # counted at the client: every request the server received
    assert usage["records"] - usage["cache_hits"] == 2 * 6 - 1  # billed records: the stem OCR rides on mixed


def _fails_on_big_systems(messages: list[dict[str, Any]]) -> str:
    """Consistent on 2-unknown systems, inconsistent as soon as C appears: the search must shrink to 3."""
    texts = _texts(messages)
    if texts and texts[0] == OCR_INSTRUCTION:
        return "unreadable"
    content = " ".join(texts[1:])
    if _images(messages) and not content:
        return "Answer: 1"
    return "Answer: 2" if "C" in content else "Answer: 1"


def test_fresh_search_shrinks_stores_and_replays(run_suite, tmp_path) -> None:  # type: ignore[no-untyped-def]
    cache = tmp_path / "cache"
    with LocalServer(reply=_fails_on_big_systems) as server:
        first = run_suite("--limit=1", "--fresh-examples=30", *_server_args(server), "-k", "fresh", cache_dir=cache)
        stored = [json.loads(line) for line in (cache / "fresh-counterexamples.jsonl").read_text().splitlines()]
        second = run_suite("--limit=1", *_server_args(server), "-k", "fresh", cache_dir=cache)
    first.result.assert_outcomes(failed=1)
    # every drawn system's calls are in results.jsonl (paid), each once; the shrinking steps, flagged, are not in
    # the figures (shrinking hunts inconsistency): the fresh dataset's n counts the generated systems only
    fresh = [r for r in first.records if r["dataset"] == "soebench-fresh"]
    identities = [(r["item_id"], r["modality"]) for r in fresh if not r.get("fresh_recheck")]  # asked again: once
    assert len(identities) == len(set(identities))
    drawn = {r["item_id"] for r in fresh}
    shrunk = {r["item_id"] for r in fresh if r.get("fresh_shrink") and not r.get("fresh_recheck")}
    assert len(drawn) > 2 and shrunk and drawn - shrunk  # generated ones, and shrinking steps after the failure
    counted = sum(d["n"] for name, d in first.summary["metrics"]["datasets"].items() if "fresh" in name)
    assert counted == len(drawn - shrunk)
    assert len(stored) == 1
    system = stored[0]["system"]
    assert len(system["unknowns"]) == 3  # shrunk to the smallest inconsistent size
    second.result.assert_outcomes(failed=1)
    assert re.search(r"test_fresh_replay\[soebench/fresh-[0-9a-f]{10}\] FAILED|FAILED .*test_fresh_replay",
                     second.result.stdout.str())
    assert stored[0]["id"] in second.result.stdout.str()


def test_fresh_search_respects_the_call_budget(run_suite) -> None:  # type: ignore[no-untyped-def]
    with LocalServer(reply=_fails_on_big_systems) as server:
        run = run_suite("--limit=1", "--fresh-examples=50", "--fresh-call-budget=8", *_server_args(server),
                        "-k", "soebench_fresh")
        requests = server.request_count
    assert requests <= 8
    assert run.result.ret in (0, 1)


def test_fresh_search_in_a_plain_process_raises_no_hypothesis_warnings(tmp_path) -> None:  # type: ignore[no-untyped-def]
    """A user's own process (not pytester inside a session where Hypothesis is already set up): Hypothesis's
    plugin stays registered when the fresh search runs, so its strategies do not warn "Slow code in plugin"."""
    import os
    import subprocess
    import sys

    repo = Path(__file__).resolve().parents[2]
    with LocalServer(reply=lambda _m: "Answer: 7") as server:
        result = subprocess.run(
            [sys.executable, "-m", "pytest", "tests_rest", "-p", "no:cacheprovider", "-q", "--limit=1",
             "--fresh-examples=3", *_server_args(server), f"--report-dir={tmp_path}/r",
             f"--response-cache-dir={tmp_path}/c"],
            cwd=repo, env={**os.environ, "OPENAI_API_KEY": "sk-test"}, capture_output=True, text=True, timeout=300,
            check=False)
    assert "test_soebench_fresh" in result.stdout or "passed" in result.stdout, result.stdout[-2000:]
    assert result.returncode == 0, result.stdout[-3000:]
    assert "HypothesisSideeffectWarning" not in result.stdout + result.stderr
