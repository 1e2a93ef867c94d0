"""Fixtures for the model-layer tests: a local OpenAI-compatible server, a sentinel key, a temporary cache.

Every HTTP test goes through litellm's real path (httpx, the OpenAI SDK, litellm's error mapping) to a real
server on 127.0.0.1; nothing needs a network or a real key. The sentinel key is exported as OPENAI_API_KEY so
litellm sends it, and tests assert it reaches the server yet never the cache file or a result.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from modelkit import SENTINEL_KEY

from fixtures.models.aliases import ModelSpec, resolve_model
from fixtures.models.cache import ResponseCache
from fixtures.models.localserver import LocalServer, echo_reply


@pytest.fixture
def sentinel_key(monkeypatch: pytest.MonkeyPatch) -> str:
    monkeypatch.setenv("OPENAI_API_KEY", SENTINEL_KEY)
    return SENTINEL_KEY


@pytest.fixture
def server() -> Iterator[LocalServer]:
    with LocalServer(reply=echo_reply) as srv:
        yield srv


@pytest.fixture
def spec(server: LocalServer, sentinel_key: str) -> ModelSpec:
    return resolve_model("openai/restgate-test", server.base_url)


@pytest.fixture
def cache(tmp_path: Path) -> Iterator[ResponseCache]:
    store = ResponseCache(tmp_path / "cache")
    yield store
    store.close()
