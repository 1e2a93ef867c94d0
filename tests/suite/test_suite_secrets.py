"""Issue 22 part 1: a provider that echoes the request's headers never puts the key on disk.

The server reflects the `Authorization` header into a 200 reply and into a 500 error; every file the runs write
(run folder, response cache with its WAL, JUnit XML, baseline, index) is then searched for the key's bytes.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.support.localserver import Fault, LocalServer

pytestmark = pytest.mark.slow
KEY = "sk-restgate-test-9f8e7d6c5b4a39281706"


def _answer(messages: list[dict[str, object]]) -> str:
    return "Thinking.\nAnswer: 7"


def _files(*roots: Path) -> list[Path]:
    return [p for root in roots if root.exists() for p in ([root] if root.is_file() else root.rglob("*"))
            if p.is_file()]


def test_a_reflected_key_lands_in_no_file(run_suite, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.setenv("OPENAI_API_KEY", KEY)
    cache, junit, baseline = tmp_path / "cache", tmp_path / "junit.xml", tmp_path / "base.json"
    with LocalServer(reply=_answer, fault=Fault("reflect")) as server:
        args = ("--model=openai/scripted", f"--api-base={server.base_url}", "--retry-backoff=0.01", "--limit=2")
        first = run_suite(*args, f"--junitxml={junit}", f"--save-baseline={baseline}", cache_dir=cache)
        assert all(KEY in r.headers.get("authorization", "") for r in server.requests)  # the key was sent
        server.set_fault(Fault("reflect_error"))
        second = run_suite(*args, "--response-cache=refresh", "--max-retries=0", f"--junitxml={junit}2",
                           cache_dir=cache)
    assert first.run_dir is not None and second.run_dir is not None
    assert any("You sent" in r["response"] and "***" in r["response"] for r in first.records)
    assert all(r["error"] and "***" in r["error"] for r in second.records), second.records
    written = _files(first.run_dir.parent, cache, junit, Path(f"{junit}2"), baseline)
    assert any(p.name == "index.html" for p in written) and baseline.exists() and len(written) > 8
    leaked = [str(p) for p in written if KEY.encode() in p.read_bytes()]
    assert not leaked
    for run in (first, second):
        assert KEY not in run.result.stdout.str() + run.result.stderr.str()
