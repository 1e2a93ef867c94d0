"""`--batch` end to end against the local batch servers (tests/support/batchserver.py): OpenAI's Files + Batches
and Anthropic's Message Batches, through litellm's and httpx's real clients.

What must hold: a batch run gives the records, metrics and verdict of an online run; a request that errors or
expires inside a batch goes online once; a run stopped while waiting resumes its batches and never resubmits
them; the servers' logs show no request paid twice.
"""

from __future__ import annotations

import hashlib
import json
import re
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path
from typing import Any

import pytest

from tests.support.batchserver import BatchServer

pytestmark = pytest.mark.slow
REPO = Path(__file__).resolve().parents[2]

VOLATILE = ("latency_s", "cost_usd")
"""What a batch run may differ in: no latency of its own, and the batch price (checked on its own)."""


def _reply(messages: list[dict[str, Any]]) -> str:
    """Deterministic and modality-dependent: some units consistent, some not (in both wire formats)."""
    parts = [p for m in messages if isinstance(m.get("content"), list) for p in m["content"]]
    has_image = any(p.get("type") in ("image_url", "image") for p in parts)
    text = json.dumps([p.get("text") for p in parts] + [m.get("content") for m in messages
                                                        if isinstance(m.get("content"), str)])
    whole = json.dumps(messages, sort_keys=True).encode()  # images included: the two OCR prompts differ only there
    tag = "".join(chr(97 + int(c, 16)) for c in hashlib.sha256(whole).hexdigest()[:8])
    # the tag keeps requests apart that would otherwise be equal (ocr-first prompts quote the transcription)
    return ("Answer: 8" if has_image and len(text) % 3 == 0 else "Answer: 7") + f" ({tag})"


def _args(srv: BatchServer, provider: str) -> tuple[str, ...]:
    if provider == "anthropic":
        return ("--model=anthropic/claude-haiku-4-5-20251001", f"--api-base={srv.url}", "--retry-backoff=0.01")
    return ("--model=openai/gpt-4o-mini-2024-07-18", f"--api-base={srv.base_url}", "--retry-backoff=0.01")


def _records(run: Any) -> list[dict[str, Any]]:
    rows = [{k: v for k, v in r.items() if k not in VOLATILE} for r in run.records]
    return sorted(rows, key=_order)


def _order(r: dict[str, Any]) -> tuple[str, str, str]:
    return r["item_id"], r["modality"], r["strategy"]


def _no_request_paid_twice(srv: BatchServer) -> None:
    twice = [k for k, n in Counter(srv.state.paid).items() if n > 1]
    assert not twice, f"{len(twice)} requests paid twice"


@pytest.mark.parametrize("provider", ["openai", "anthropic"])
def test_batch_run_equals_online_run(run_suite, tmp_path, monkeypatch, provider) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.setenv("ANTHROPIC_API_KEY", "sk-ant-local-test")
    with BatchServer(_reply) as srv:
        online = run_suite("--limit=3", *_args(srv, provider), cache_dir=tmp_path / "online")
        online_calls, online_paid = srv.online(), set(srv.state.paid)
        srv.state.paid.clear()
        batch = run_suite("--limit=3", *_args(srv, provider), "--batch", "--batch-poll=0.05",
                          cache_dir=tmp_path / "batch")
    out = batch.result.stdout.str()
    assert len(srv.created()) == 1, out[-3000:]
    assert srv.online() == online_calls  # the batch run made no online call
    assert _records(batch) == _records(online)
    assert batch.summary["metrics"] == online.summary["metrics"]
    assert batch.summary["verdict"] == online.summary["verdict"]
    assert batch.result.ret == online.result.ret
    assert batch.summary["usage"]["calls"] == online.summary["usage"]["calls"]
    assert batch.summary["usage"]["batch"]["outcomes"] == {"succeeded": online.summary["usage"]["calls"]}
    for b, o in zip(sorted(batch.records, key=_order), sorted(online.records, key=_order), strict=True):
        assert b["cost_usd"] == pytest.approx(o["cost_usd"] / 2)  # the batch price: half
    assert 0 < batch.summary["usage"]["cost_usd"] == pytest.approx(online.summary["usage"]["cost_usd"] / 2, rel=0.01)
    assert "restgate batch: " in out and "collected" in out
    _no_request_paid_twice(srv)
    assert set(srv.state.paid) == online_paid  # the batch lines carry the very messages an online call sends


def test_requests_failed_in_a_batch_go_online_once(run_suite, tmp_path) -> None:  # type: ignore[no-untyped-def]
    """A request that errors inside a batch, then a batch that expires: each goes online, once, and is counted."""
    with BatchServer(_reply) as srv:
        online = run_suite("--limit=3", *_args(srv, "openai"), cache_dir=tmp_path / "online")
        srv.state.paid.clear()
        srv.state.error_ids = ("-image-",)  # the image answers of every unit error inside the batch
        errored = run_suite("--limit=3", *_args(srv, "openai"), "--batch", "--batch-poll=0.05",
                            cache_dir=tmp_path / "errored")
        after_errored = srv.online()
        _no_request_paid_twice(srv)
        srv.state.paid.clear()
        srv.state.error_ids, srv.state.expire = (), True
        expired = run_suite("--limit=3", *_args(srv, "openai"), "--batch", "--batch-poll=0.05",
                            cache_dir=tmp_path / "expired")
        _no_request_paid_twice(srv)
    assert after_errored - 12 == 3  # the online run's 12, then the three image requests
    assert srv.online() - after_errored == 12  # every request of the expired batch
    for run, outcome, n in ((errored, "errored", 3), (expired, "expired", 12)):
        assert _records(run) == _records(online)  # the same answers: the fallback is the online path
        assert run.summary["verdict"] == online.summary["verdict"]
        batch = run.summary["usage"]["batch"]
        assert batch["outcomes"][outcome] == n and batch["online_fallback"] == n
        assert run.summary["usage"]["calls"] == 12 + n  # the batch's requests and the online retries of n
    assert "1 collected" in expired.result.stdout.str()


def _command(srv: BatchServer, tmp_path: Path, *extra: str, provider: str = "openai") -> list[str]:
    return [sys.executable, "-m", "pytest", "tests_rest", "-p", "no:cacheprovider", "-q", "--limit=3",
            *_args(srv, provider), "--batch", "--batch-poll=0.05", f"--report-dir={tmp_path}/r",
            f"--response-cache-dir={tmp_path}/c", *extra]


def _summaries(tmp_path: Path) -> list[dict[str, Any]]:
    return [json.loads(p.read_text()) for p in sorted((tmp_path / "r").glob("*/summary.json"))]


def test_timeout_is_incomplete_then_the_same_command_resumes(tmp_path) -> None:  # type: ignore[no-untyped-def]
    with BatchServer(_reply) as srv:
        srv.state.hold = True  # the provider is slow: the batch stays in progress
        first = subprocess.run(_command(srv, tmp_path, "--batch-timeout=1"), cwd=REPO, capture_output=True, text=True,
                               timeout=300)
        srv.state.hold = False
        second = subprocess.run(_command(srv, tmp_path, "--batch-timeout=60"), cwd=REPO, capture_output=True,
                                text=True, timeout=300)
        _no_request_paid_twice(srv)
    assert first.returncode != 0, first.stdout[-3000:]
    summary = _summaries(tmp_path)[0]
    assert summary["verdict"] == "INCOMPLETE" and "--batch-timeout 1 s ran out" in summary["incomplete_reason"]
    assert "rerun the same command to resume" in first.stdout
    assert len(srv.created()) == 1, second.stdout[-3000:]  # resumed, never resubmitted
    assert srv.online() == 0
    resumed = _summaries(tmp_path)[1]
    assert resumed["complete"] is True and resumed["usage"]["batch"]["outcomes"] == {"succeeded": 12}
    old = json.loads(sorted((tmp_path / "r").glob("*/batches.json"))[0].read_text())
    assert old["batches"][0]["adopted_by"]  # the first run's record names the run that took its batch over


def test_kill_while_waiting_then_resume_sends_nothing_twice(tmp_path) -> None:  # type: ignore[no-untyped-def]
    with BatchServer(_reply) as srv:
        srv.state.hold = True
        proc = subprocess.Popen(_command(srv, tmp_path), cwd=REPO, stdout=subprocess.PIPE, text=True)
        deadline = time.time() + 120
        while not srv.created() and time.time() < deadline and proc.poll() is None:
            time.sleep(0.05)
        time.sleep(0.3)  # a few polls
        assert srv.created() and proc.poll() is None
        proc.kill()  # SIGKILL: no handler runs, as with a CI runner's hard stop
        proc.communicate(timeout=60)
        srv.state.hold = False
        second = subprocess.run(_command(srv, tmp_path), cwd=REPO, capture_output=True, text=True, timeout=300)
        _no_request_paid_twice(srv)
    assert second.returncode in (0, 1), second.stdout[-3000:]
    assert len(srv.created()) == 1 and srv.online() == 0, second.stdout[-3000:]
    resumed = _summaries(tmp_path)[-1]
    assert resumed["complete"] is True and resumed["usage"]["batch"]["outcomes"] == {"succeeded": 12}
    assert resumed["usage"]["calls"] == 12


@pytest.mark.parametrize("provider", ["openai", "anthropic"])
def test_kill_before_the_batch_id_is_recorded_then_resume_finds_the_batch(tmp_path, monkeypatch, provider) -> None:  # type: ignore[no-untyped-def]
    """The provider created the batch but the run was killed before it heard the id: the next run finds the
    batch at the provider (OpenAI by its metadata token, Anthropic by its creation time and request count),
    collects it and pays for nothing twice."""
    monkeypatch.setenv("ANTHROPIC_API_KEY", "sk-ant-local-test")
    with BatchServer(_reply) as srv:
        srv.state.create_delay_s = 30.0
        command = _command(srv, tmp_path, provider=provider)
        proc = subprocess.Popen(command, cwd=REPO, stdout=subprocess.PIPE, text=True)
        deadline = time.time() + 120
        while not srv.created() and time.time() < deadline and proc.poll() is None:
            time.sleep(0.05)
        assert srv.created() and proc.poll() is None
        proc.kill()  # in the window: the batch exists, its id was never answered
        proc.communicate(timeout=60)
        first = json.loads(next((tmp_path / "r").glob("*/batches.json")).read_text())
        assert first["batches"] == [] and len(first["pending"]) == 1
        srv.state.create_delay_s = 0.0
        second = subprocess.run(command, cwd=REPO, capture_output=True, text=True, timeout=300)
        _no_request_paid_twice(srv)
    assert len(srv.created()) == 1 and srv.online() == 0, second.stdout[-3000:]
    assert "nothing sent again" in second.stdout
    resumed = _summaries(tmp_path)[-1]
    assert resumed["complete"] is True and resumed["usage"]["batch"]["outcomes"] == {"succeeded": 12}
    assert resumed["usage"]["calls"] == 12


def test_restgate_batches_lists_and_cancels(run_suite, tmp_path, capsys) -> None:  # type: ignore[no-untyped-def]
    from pytest_restgate.cli import main

    with BatchServer(_reply) as srv:
        srv.state.hold = True
        stopped = run_suite("--limit=3", *_args(srv, "openai"), "--batch", "--batch-poll=0.05", "--batch-timeout=0.5",
                            cache_dir=tmp_path / "c")
        run_dir = stopped.run_dir
        assert run_dir is not None and stopped.summary["verdict"] == "INCOMPLETE"
        capsys.readouterr()
        assert main(["batches", str(run_dir), "--refresh"]) == 0
        listed = capsys.readouterr().out
        assert "batch_2  openai  in_progress  12 requests  live" in listed and "--cancel" in listed
        assert main(["batches", str(run_dir), "--cancel"]) == 0
        assert "batch_2  openai  cancelled" in capsys.readouterr().out
        resumed = run_suite("--limit=3", *_args(srv, "openai"), "--batch", "--batch-poll=0.05",
                            cache_dir=tmp_path / "c")
        _no_request_paid_twice(srv)
    assert len(srv.created()) == 1 and srv.online() == 12  # cancelled before it ran: all twelve online, once
    assert resumed.summary["complete"] is True
    assert resumed.summary["usage"]["batch"]["outcomes"] == {"canceled": 12}
    assert main(["batches", "nowhere", "--report-dir", str(tmp_path)]) == 2
    assert "not a --batch run folder" in capsys.readouterr().err


def _dollars(line: str) -> tuple[float, float]:
    low, high = re.findall(r"\$([0-9.]+) to \$([0-9.]+)", line)[0]
    return float(low), float(high)


def test_the_bill_collect_only_and_max_cost_at_submission(run_suite, tmp_path) -> None:  # type: ignore[no-untyped-def]
    with BatchServer(_reply) as srv:
        listed = run_suite("--limit=3", *_args(srv, "openai"), "--batch", "--collect-only", cache_dir=tmp_path / "c")
        lines = listed.result.stdout.lines
        online_line = next(x for x in lines if "this run would make 12 model calls" in x)
        batch_line = next(x for x in lines if "with --batch the same calls would cost" in x)
        online, batch = _dollars(online_line), _dollars(batch_line)
        assert batch == pytest.approx((online[0] / 2, online[1] / 2), abs=1e-4)  # the batch price: half (4 decimals)
        limit = round(batch[1] * 0.6, 6)  # room for about 60% of the requests at their most
        run = run_suite("--limit=3", *_args(srv, "openai"), "--batch", "--batch-poll=0.05", f"--max-cost={limit}",
                        cache_dir=tmp_path / "c")
        _no_request_paid_twice(srv)
    assert srv.online() == 0
    assert len(srv.created()) == 2, run.result.stdout.str()[-3000:]  # the rest once the first batch settled
    usage = run.summary["usage"]
    assert usage["batch"]["outcomes"] == {"succeeded": 12} and usage["batch"]["budget_refused"] == 0
    assert usage["cost_usd"] <= limit and run.summary["complete"] is True
    sizes = [len(v) for v in srv.state.inputs.values()]
    assert sorted(sizes)[0] < 12 and sum(sizes) == 12


def test_batch_usage_errors(run_suite) -> None:  # type: ignore[no-untyped-def]
    reference = run_suite("--limit=1", "--batch")
    assert reference.result.ret == pytest.ExitCode.USAGE_ERROR
    assert "--batch: reference/rest-reference-v1 (reference) has no batch API here" in reference.result.stderr.str()
    with BatchServer(_reply) as srv:
        off = run_suite("--limit=1", *_args(srv, "openai"), "--batch", "--response-cache=off")
    assert off.result.ret == pytest.ExitCode.USAGE_ERROR
    assert "--batch hands its answers to the tests through the response cache" in off.result.stderr.str()


@pytest.mark.parametrize("extra", [("-n", "2"), ("--strategy=direct,ocr-first",)], ids=["xdist", "ocr-first"])
def test_batch_equals_online_under_xdist_and_ocr_first(run_suite, tmp_path, extra) -> None:  # type: ignore[no-untyped-def]
    """xdist: the controller plans from the collection; ocr-first: its image answer reads the first round's
    transcription, its mixed answer the stem's transcription asked in the second round: three batches."""
    with BatchServer(_reply) as srv:
        online = run_suite("--limit=2", *_args(srv, "openai"), *extra, cache_dir=tmp_path / "online")
        online_calls = srv.online()
        srv.state.paid.clear()
        batch = run_suite("--limit=2", *_args(srv, "openai"), *extra, "--batch", "--batch-poll=0.05",
                          cache_dir=tmp_path / "batch")
        _no_request_paid_twice(srv)
    assert srv.online() == online_calls, batch.result.stdout.str()[-3000:]
    assert len(srv.created()) == (3 if "ocr-first" in extra[0] else 1)
    diffs = [(b["modality"], b["strategy"], k, b[k], o[k]) for b, o in zip(_records(batch), _records(online),
                                                                          strict=True) for k in b if b[k] != o[k]]
    assert not diffs
    assert batch.summary["metrics"] == online.summary["metrics"]
    assert batch.summary["usage"]["calls"] == online.summary["usage"]["calls"]


@pytest.mark.parametrize("provider", ["openai", "anthropic"])
def test_a_refused_batch_is_incomplete_with_the_reason(run_suite, tmp_path, monkeypatch, provider) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.setenv("ANTHROPIC_API_KEY", "sk-ant-local-test")
    with BatchServer(_reply) as srv:
        srv.state.refuse_create = True
        run = run_suite("--limit=2", *_args(srv, provider), "--batch", "--batch-poll=0.05", cache_dir=tmp_path / "c")
    assert run.result.ret != 0 and run.summary["verdict"] == "INCOMPLETE"
    assert "the provider's batch API failed" in run.summary["incomplete_reason"]
    assert "batch refused" in run.summary["incomplete_reason"] and srv.online() == 0


def test_a_batch_answer_shared_across_xdist_workers_is_billed_once(run_suite, tmp_path) -> None:  # type: ignore[no-untyped-def]
    """REST+ asks each item's text question once for its 10 renderings; under xdist those units land on both
    workers. Online, one worker claims the call and the other records it as shared; a batch answer must be
    counted fresh by one worker only, or the records' cost (what the report bills) exceeds what was paid."""
    with BatchServer(_reply) as srv:
        online = run_suite("--limit=1", "--rest-plus", *_args(srv, "openai"), "-n", "2",
                           cache_dir=tmp_path / "online")
        srv.state.paid.clear()
        batch = run_suite("--limit=1", "--rest-plus", *_args(srv, "openai"), "-n", "2", "--batch",
                          "--batch-poll=0.05", cache_dir=tmp_path / "batch")
        paid = Counter(srv.state.paid)
    assert set(paid.values()) == {1}
    fresh = [r for r in batch.records if not r["cached"] and not r["error"]]
    assert len(fresh) == len(paid) == sum(1 for r in online.records if not r["cached"] and not r["error"])
    assert Counter((r["modality"], r["cached"]) for r in batch.records) == Counter(
        (r["modality"], r["cached"]) for r in online.records)
