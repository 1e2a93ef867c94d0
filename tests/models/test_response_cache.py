"""The response cache: key contents, modes, JSON values, WAL, and two processes writing at once."""

from __future__ import annotations

import itertools
import json
import multiprocessing
import sqlite3
from pathlib import Path
from typing import Any

import pytest
from modelkit import SENTINEL_KEY, data_uri, image_message, png_bytes

from fixtures.models.cache import (
    DEFAULT_CACHE_DIR,
    CachedResponse,
    ResponseCache,
    cache_key,
    canonical_json,
    hash_images,
)

BASE = {
    "model_id": "openai/m",
    "api_base": "http://127.0.0.1:8000/v1",
    "params": {"temperature": 0, "max_tokens": 64},
    "prompt_version": "p1",
    "renderer_version": "r1",
}


def key(**changes: object) -> str:
    args = {**BASE, "messages": image_message(png_bytes("A + B = 3")), **changes}
    return cache_key(**args)  # type: ignore[arg-type]


def response(text: str = "answer") -> CachedResponse:
    return CachedResponse(
        text=text,
        prompt_tokens=12,
        completion_tokens=3,
        cost_usd=1.5e-6,
        latency_s=0.42,
        finish_reason="stop",
    )


def test_key_is_stable_and_covers_everything_that_changes_the_answer() -> None:
    assert key() == key()
    changed = [
        key(model_id="openai/other"),
        key(api_base="http://127.0.0.1:8001/v1"),
        key(messages=image_message(png_bytes("A + B = 4"))),
        key(messages=image_message(png_bytes("A + B = 3"), question="Solve it.")),
        key(params={"temperature": 0, "max_tokens": 65}),
        key(params={"temperature": 0, "max_tokens": 64, "top_p": 0.5}),
        key(prompt_version="p2"),
        key(renderer_version="r2"),
    ]
    assert len({key(), *changed}) == len(changed) + 1


def test_key_ignores_dict_order_and_credentials_in_the_api_base() -> None:
    reordered = {"max_tokens": 64, "temperature": 0}
    assert key(params=reordered) == key()
    assert key(api_base="http://user:secret@127.0.0.1:8000/v1") == key()


def test_images_are_keyed_by_the_hash_of_their_bytes() -> None:
    png = png_bytes("x")
    hashed = hash_images(image_message(png))
    url = hashed[0]["content"][1]["image_url"]["url"]
    import hashlib

    assert url == "sha256:" + hashlib.sha256(png).hexdigest()
    assert "base64" not in canonical_json(hashed)
    assert hash_images({"u": "data:text/plain,not-base64"}) == {"u": "data:text/plain,not-base64"}


def test_values_are_json_and_round_trip(tmp_path: Path) -> None:
    cache = ResponseCache(tmp_path)
    cache.put("k", response(), model_id="openai/m")
    assert cache.get("k") == response()
    raw = sqlite3.connect(cache.path).execute("SELECT value, model FROM responses").fetchone()
    assert json.loads(raw[0])["text"] == "answer" and raw[1] == "openai/m"
    assert (cache.hits, cache.misses, cache.writes) == (1, 0, 1)


def test_wal_mode_and_busy_timeout(tmp_path: Path) -> None:
    cache = ResponseCache(tmp_path, busy_timeout_s=7)
    cache.put("k", response(), model_id="m")
    conn = cache._connect()
    assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    assert conn.execute("PRAGMA busy_timeout").fetchone()[0] == 7000


def test_modes(tmp_path: Path) -> None:
    ResponseCache(tmp_path, "use").put("k", response("old"), model_id="m")
    refresh = ResponseCache(tmp_path, "refresh")
    assert refresh.get("k") is None  # refresh never reads...
    refresh.put("k", response("new"), model_id="m")  # ...but writes
    assert ResponseCache(tmp_path, "use").get("k") == response("new")
    off = ResponseCache(tmp_path / "off", "off")
    off.put("k", response(), model_id="m")
    assert off.get("k") is None and not (tmp_path / "off").exists()
    with pytest.raises(ValueError, match="use, refresh, off"):
        ResponseCache(tmp_path, "sometimes")  # type: ignore[arg-type]


def test_only_deterministic_requests_are_accepted_by_default(tmp_path: Path) -> None:
    assert ResponseCache(tmp_path).accepts({"temperature": 0, "max_tokens": 9})
    assert not ResponseCache(tmp_path).accepts({"temperature": 1})
    assert ResponseCache(tmp_path, cache_nondeterministic=True).accepts({"temperature": 1})
    assert not ResponseCache(tmp_path, "off", cache_nondeterministic=True).accepts({"temperature": 0})


def test_a_corrupt_entry_is_a_miss(tmp_path: Path) -> None:
    cache = ResponseCache(tmp_path)
    cache.put("k", response(), model_id="m")
    with sqlite3.connect(cache.path) as conn:
        conn.execute("UPDATE responses SET value = '{not json'")
    assert cache.get("k") is None and cache.misses == 1


def test_default_directory_is_the_git_ignored_repo_folder() -> None:
    root = Path(__file__).resolve().parents[2]
    assert root / ".restgate-cache" == DEFAULT_CACHE_DIR
    assert "/.restgate-cache/" in (root / ".gitignore").read_text().splitlines()


def test_no_credential_in_the_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("OPENAI_API_KEY", SENTINEL_KEY)
    cache = ResponseCache(tmp_path)
    cache.put(key(), response(), model_id="openai/m")
    blob = b"".join(p.read_bytes() for p in tmp_path.iterdir())
    assert SENTINEL_KEY.encode() not in blob and data_uri(png_bytes("A + B = 3")).encode() not in blob


def _writer(directory: str, worker: int, count: int, barrier: Any) -> None:
    cache = ResponseCache(directory)
    cache.get("warm-up")  # open the connection (and create the schema) before the race
    barrier.wait(timeout=30)
    for i in range(count):
        cache.put(f"w{worker}-{i}", response(f"{worker}:{i}"), model_id=f"w{worker}")
        assert cache.get(f"w{worker}-{i}") is not None
    cache.close()


def test_two_processes_writing_at_once(tmp_path: Path) -> None:
    context = multiprocessing.get_context("spawn")  # separate interpreters, as xdist workers are
    count = 400
    barrier = context.Barrier(2)
    procs = [context.Process(target=_writer, args=(str(tmp_path), w, count, barrier)) for w in range(2)]
    for p in procs:
        p.start()
    for p in procs:
        p.join(timeout=60)
    assert [p.exitcode for p in procs] == [0, 0]
    cache = ResponseCache(tmp_path)
    assert len(cache) == 2 * count
    assert all(cache.get(f"w{w}-{i}") == response(f"{w}:{i}") for w in range(2) for i in range(count))
    order = [row[0] for row in sqlite3.connect(cache.path).execute("SELECT model FROM responses ORDER BY rowid")]
    switches = sum(a != b for a, b in itertools.pairwise(order))
    assert switches >= 2  # the writers really interleaved (22 switches measured), so the lock was contended
