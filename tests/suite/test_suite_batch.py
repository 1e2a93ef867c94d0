"""`--batch` end to end against the local batch servers (tests/support/batchserver.py): OpenAI's Files + Batches
and Anthropic's Message Batches, through litellm's and httpx's real clients.

What must hold: a batch run gives the records, metrics and verdict of an online run; a request that errors or
expires inside a batch goes online once; a run stopped while waiting resumes its batches and never resubmits
them; the servers' logs show no request paid twice.
"""

from __future__ import annotations

import json
from collections import Counter
from typing import Any

import pytest

from tests.support.batchserver import BatchServer

pytestmark = pytest.mark.slow

VOLATILE = ("latency_s", "cost_usd")
"""What a batch run may differ in: no latency of its own, and the batch price (checked on its own)."""


def _reply(messages: list[dict[str, Any]]) -> str:
    """Deterministic and modality-dependent: some units consistent, some not (in both wire formats)."""
    parts = [p for m in messages if isinstance(m.get("content"), list) for p in m["content"]]
    has_image = any(p.get("type") in ("image_url", "image") for p in parts)
    text = json.dumps([p.get("text") for p in parts] + [m.get("content") for m in messages
                                                        if isinstance(m.get("content"), str)])
    return "Answer: 8" if has_image and len(text) % 3 == 0 else "Answer: 7"


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
