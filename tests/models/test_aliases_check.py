"""Alias resolution and every ModelConfigError a bad --model / --api-base choice produces."""

from __future__ import annotations

import socket

import pytest

from fixtures.models.aliases import (
    ModelSpec,
    alias_names,
    check_model,
    check_reachable,
    load_aliases,
    resolve_model,
)
from fixtures.models.client import ModelClient
from fixtures.models.errors import ModelConfigError
from fixtures.models.llm import import_litellm
from fixtures.models.localserver import LocalServer

KEY_VARS = (
    "OPENAI_API_KEY",
    "ANTHROPIC_API_KEY",
    "ANTHROPIC_AUTH_TOKEN",
    "GEMINI_API_KEY",
    "GOOGLE_API_KEY",
    "GROQ_API_KEY",
)
PAPER_MODELS = {
    "claude-haiku-4.5": "anthropic/claude-haiku-4-5-20251001",
    "gpt-5-mini": "gpt-5-mini-2025-08-07",
    "gpt-4o-mini": "gpt-4o-mini-2024-07-18",
    "gemini-2.5-flash-lite": "gemini/gemini-2.5-flash-lite",
}


@pytest.fixture
def no_keys(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in KEY_VARS:
        monkeypatch.delenv(name, raising=False)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def test_paper_models_resolve_to_dated_ids_litellm_prices() -> None:
    model_cost = import_litellm().model_cost
    for name, litellm_id in PAPER_MODELS.items():
        spec = resolve_model(name)
        assert spec.litellm_id == litellm_id and spec.api_key_env and not spec.needs_api_base
        bare = litellm_id.split("/", 1)[-1]
        assert litellm_id in model_cost or bare in model_cost, f"{litellm_id} not in litellm's price map"


def test_every_alias_routes_in_litellm() -> None:
    ll = import_litellm()
    for name in alias_names():
        spec = resolve_model(name, "http://127.0.0.1:1/v1")
        if spec.is_reference:
            continue
        _, provider, _, _ = ll.get_llm_provider(model=spec.litellm_id, api_base=spec.api_base)
        assert provider == spec.provider, name


def test_local_open_weight_models_need_an_api_base() -> None:
    for name in ("qwen2.5-vl-7b", "qwen2.5-vl-32b", "internvl3-8b", "phi-4-multimodal", "gemma-3-27b"):
        spec = resolve_model(name)
        assert spec.needs_api_base and spec.litellm_id.startswith("hosted_vllm/") and spec.api_key_env is None


def test_reference_is_the_built_in_provider() -> None:
    spec = resolve_model("reference")
    assert (spec.litellm_id, spec.provider, spec.is_reference) == (
        "reference/rest-reference-v1",
        "reference",
        True,
    )


def test_gpt5_runs_at_temperature_one_and_the_client_respects_it() -> None:
    spec = resolve_model("gpt-5-mini")
    assert spec.params["temperature"] == 1
    params = ModelClient(spec, cache=None).params(1024)
    assert params == {"temperature": 1, "max_tokens": 1024}
    assert ModelClient(resolve_model("gpt-4o-mini"), cache=None).params(2048)["temperature"] == 0


def test_unknown_names_go_to_litellm_unchanged() -> None:
    spec = resolve_model("  openai/my-local-model ", "http://127.0.0.1:8000/v1/")
    assert (spec.name, spec.litellm_id, spec.provider) == ("openai/my-local-model",) * 2 + ("openai",)
    assert spec.api_base == "http://127.0.0.1:8000/v1" and dict(spec.params) == {}


def test_alias_table_has_no_credentials() -> None:
    text = str(load_aliases())
    assert "sk-" not in text
    with pytest.raises(ModelConfigError, match="must not carry credentials"):
        ModelSpec("x", "openai/x", "openai", params={"api_key": "secret"})


def test_missing_key_names_the_variable(no_keys: None) -> None:
    with pytest.raises(ModelConfigError) as info:
        check_model(resolve_model("claude-haiku-4.5"))
    assert str(info.value).startswith("ANTHROPIC_API_KEY")
    assert "is not set: export it or pick another --model" in str(info.value)
    with pytest.raises(ModelConfigError, match=r"^OPENAI_API_KEY is not set"):
        check_model(resolve_model("gpt-5-mini"))


def test_alternative_key_variables_count(no_keys: None, monkeypatch: pytest.MonkeyPatch) -> None:
    with pytest.raises(ModelConfigError, match=r"GEMINI_API_KEY \(nor GOOGLE_API_KEY\) is not set"):
        check_model(resolve_model("gemini-2.5-flash-lite"))
    monkeypatch.setenv("GOOGLE_API_KEY", "g-test-key")
    assert check_model(resolve_model("gemini-2.5-flash-lite")).provider == "gemini"


def test_an_empty_key_is_a_missing_key(no_keys: None, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("OPENAI_API_KEY", "  ")
    with pytest.raises(ModelConfigError, match="OPENAI_API_KEY is not set"):
        check_model(resolve_model("gpt-4o-mini"))


def test_missing_key_for_a_model_outside_the_table(no_keys: None) -> None:
    with pytest.raises(ModelConfigError, match=r"^GROQ_API_KEY is not set: export it or pick another --model"):
        check_model(resolve_model("groq/llama-3.1-8b-instant"))


def test_unknown_provider(no_keys: None) -> None:
    for name in ("foo/bar", "no-such-model"):
        with pytest.raises(ModelConfigError, match=rf"unknown model or provider '{name}'.*providers") as info:
            check_model(resolve_model(name))
        assert "gpt-4o-mini" in str(info.value)  # the aliases are listed as a way out


def test_api_base_required_but_missing() -> None:
    with pytest.raises(ModelConfigError, match=r"pass --api-base http://HOST:PORT/v1.*vllm serve Qwen/Qwen2.5-VL-7B"):
        check_model(resolve_model("qwen2.5-vl-7b"))


def test_malformed_api_base() -> None:
    for base in ("localhost:8000/v1", "ftp://127.0.0.1/v1", "http://127.0.0.1:notaport/v1"):
        with pytest.raises(ModelConfigError, match="--api-base"):
            check_model(resolve_model("qwen2.5-vl-7b", base))


def test_unreachable_api_base_names_the_url() -> None:
    base = f"http://127.0.0.1:{free_port()}/v1"
    with pytest.raises(ModelConfigError, match=rf"cannot reach the api base {base} .*start the server"):
        check_model(resolve_model("qwen2.5-vl-7b", base), connect_timeout_s=0.5)


def test_reachable_local_server_passes_without_a_cloud_key(no_keys: None) -> None:
    with LocalServer(reply=lambda m: "ok") as server:
        spec = check_model(resolve_model("qwen2.5-vl-7b", server.base_url))
        assert spec.provider == "hosted_vllm" and spec.api_base == server.base_url
        assert check_model(resolve_model("openai/anything", server.base_url)).provider == "openai"
        check_reachable(server.url)
