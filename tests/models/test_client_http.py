"""ModelClient end to end: litellm's real HTTP path against the local server, faults switched on per test."""

from __future__ import annotations

import asyncio
import base64
import time
from pathlib import Path

import pytest
from modelkit import SENTINEL_KEY, ask, image_message, make_client, png_bytes, run, text_message

from fixtures.models.aliases import ModelSpec, resolve_model
from fixtures.models.cache import ResponseCache
from fixtures.models.errors import ModelCallError
from fixtures.models.localserver import Fault, LocalServer


@pytest.mark.parametrize("model", ["openai/restgate-test", "qwen2.5-vl-7b"])  # the alias: hosted_vllm/
def test_images_arrive_byte_identical_as_data_uris(server: LocalServer, sentinel_key: str, model: str) -> None:
    png = png_bytes()
    spec = resolve_model(model, server.base_url)
    result = run(ask(make_client(spec, None), image_message(png)))
    assert result.ok and result.text == "Transcribe the image." and result.attempts == 1
    (received,) = server.requests
    assert received.body["model"] == spec.litellm_id.split("/", 1)[1]  # litellm strips the provider prefix
    parts = received.body["messages"][0]["content"]
    url = next(p["image_url"]["url"] for p in parts if p["type"] == "image_url")
    header, payload = url.split(",", 1)
    assert header == "data:image/png;base64"
    assert base64.b64decode(payload) == png


def test_every_call_sends_explicit_timeout_free_params_and_temperature_zero(
    server: LocalServer, spec: ModelSpec
) -> None:
    run(ask(make_client(spec, None), text_message(), max_tokens=77))
    body = server.requests[0].body
    assert body["temperature"] == 0 and body["max_tokens"] == 77
    assert server.requests[0].headers["authorization"] == f"Bearer {SENTINEL_KEY}"  # the key is really used


def test_rate_limit_is_retried_after_the_stated_delay(server: LocalServer, spec: ModelSpec) -> None:
    server.set_fault(Fault("rate_limit", count=1, retry_after_s=0.5))
    result = run(ask(make_client(spec, None, backoff_base_s=0.01), text_message()))
    assert result.ok and result.attempts == 2
    first, second = server.requests
    assert second.arrived_s - first.arrived_s >= 0.5  # waited Retry-After, not the 10 ms backoff


def test_retry_after_ms_wins_over_retry_after(server: LocalServer, spec: ModelSpec) -> None:
    server.set_fault(Fault("rate_limit", count=1, retry_after_s=30, retry_after_ms=300))
    started = time.monotonic()
    result = run(ask(make_client(spec, None), text_message()))
    assert result.ok and result.attempts == 2
    first, second = server.requests
    assert 0.3 <= second.arrived_s - first.arrived_s < 2.0
    assert time.monotonic() - started < 5


def test_server_errors_are_retried_and_recover(server: LocalServer, spec: ModelSpec) -> None:
    server.set_fault(Fault("server_error", count=2))
    result = run(ask(make_client(spec, None), text_message("recover")))
    assert result.ok and result.text == "recover" and result.attempts == 3
    assert server.request_count == 3


def test_exhausted_retries_become_an_error_not_an_answer(
    server: LocalServer, spec: ModelSpec, cache: ResponseCache
) -> None:
    server.set_fault(Fault("server_error"))
    result = run(ask(make_client(spec, cache, max_retries=2), text_message()))
    assert result.error is not None and "gave up after 3 attempts" in result.error and "500" in result.error
    assert result.text == "" and result.attempts == 3 and server.request_count == 3
    assert len(cache) == 0  # a failure is never cached: the rerun asks again
    with pytest.raises(ModelCallError, match=r"text: .*gave up after 3 attempts"):
        raise ModelCallError([result])


def test_timeouts_are_retried_then_reported(server: LocalServer, spec: ModelSpec) -> None:
    server.set_fault(Fault("slow", delay_s=10))
    started = time.monotonic()
    result = run(ask(make_client(spec, None, timeout_s=0.3, max_retries=1), text_message()))
    elapsed = time.monotonic() - started
    assert result.error is not None and "timed out" in result.error
    assert result.attempts == 2 and server.request_count == 2
    assert elapsed < 2.5  # our timeout applied, not litellm's 6000 s default


def test_slow_reply_then_recovery(server: LocalServer, spec: ModelSpec) -> None:
    server.set_fault(Fault("slow", count=1, delay_s=10))
    result = run(ask(make_client(spec, None, timeout_s=0.3), text_message("late")))
    assert result.ok and result.text == "late" and result.attempts == 2


@pytest.mark.parametrize(("kind", "status"), [("bad_request", "400"), ("unauthorized", "401")])
def test_client_errors_are_not_retried(server: LocalServer, spec: ModelSpec, kind: str, status: str) -> None:
    server.set_fault(Fault(kind))  # type: ignore[arg-type]
    result = run(ask(make_client(spec, None), text_message()))
    assert result.error is not None and f"({status})" in result.error
    assert result.attempts == 1 and server.request_count == 1


def test_malformed_json_is_retried(server: LocalServer, spec: ModelSpec) -> None:
    server.set_fault(Fault("malformed", count=1))
    result = run(ask(make_client(spec, None), text_message("fine now")))
    assert result.ok and result.text == "fine now" and result.attempts == 2


def test_always_malformed_json_ends_in_an_error(server: LocalServer, spec: ModelSpec) -> None:
    server.set_fault(Fault("malformed"))
    result = run(ask(make_client(spec, None, max_retries=1), text_message()))
    assert result.error is not None and result.attempts == 2 and result.text == ""


def test_empty_content_is_a_glitch_retried_then_an_error(
    server: LocalServer, spec: ModelSpec, cache: ResponseCache
) -> None:
    server.set_fault(Fault("empty", count=1))
    first = run(ask(make_client(spec, cache), text_message("second try")))
    assert first.ok and first.text == "second try" and first.attempts == 2
    server.set_fault(Fault("empty"))
    second = run(ask(make_client(spec, cache, max_retries=1), text_message("never")))
    assert second.error is not None and "empty reply" in second.error and second.attempts == 2
    assert len(cache) == 1  # only the real answer was stored


def test_second_identical_call_is_a_cache_hit(server: LocalServer, spec: ModelSpec, cache: ResponseCache) -> None:
    client = make_client(spec, cache)
    png = png_bytes("x = 1")
    first = run(ask(client, image_message(png)))
    second = run(ask(make_client(spec, ResponseCache(cache.directory)), image_message(png)))
    assert not first.cached and second.cached and second.attempts == 0
    assert (second.text, second.prompt_tokens, second.completion_tokens) == (
        first.text,
        first.prompt_tokens,
        first.completion_tokens,
    )
    assert second.latency_s == pytest.approx(first.latency_s)  # the original latency is replayed
    assert server.request_count == 1  # nothing reached the server the second time


def test_cache_key_changes_with_prompt_version_and_image(
    server: LocalServer, spec: ModelSpec, cache: ResponseCache
) -> None:
    client = make_client(spec, cache)
    run(ask(client, image_message(png_bytes("a"))))
    run(ask(client, image_message(png_bytes("a")), prompt_version="p2"))
    run(ask(client, image_message(png_bytes("b"))))
    run(ask(client, image_message(png_bytes("a"))))
    assert server.request_count == 3 and len(cache) == 3


def test_refresh_mode_asks_again_and_overwrites(server: LocalServer, spec: ModelSpec, tmp_path: Path) -> None:
    run(ask(make_client(spec, ResponseCache(tmp_path, "use")), text_message()))
    refreshed = run(ask(make_client(spec, ResponseCache(tmp_path, "refresh")), text_message()))
    assert not refreshed.cached and server.request_count == 2
    replay = run(ask(make_client(spec, ResponseCache(tmp_path, "use")), text_message()))
    assert replay.cached and len(ResponseCache(tmp_path)) == 1 and server.request_count == 2


def test_off_mode_never_stores(server: LocalServer, spec: ModelSpec, tmp_path: Path) -> None:
    client = make_client(spec, ResponseCache(tmp_path / "c", "off"))
    results = [run(ask(client, text_message())) for _ in range(2)]
    assert not any(r.cached for r in results) and server.request_count == 2
    assert not (tmp_path / "c").exists()


def test_nondeterministic_models_are_cached_only_on_request(
    server: LocalServer, sentinel_key: str, tmp_path: Path
) -> None:
    hot = ModelSpec(
        name="hot",
        litellm_id="openai/hot",
        provider="openai",
        api_base=server.base_url,
        params={"temperature": 1},
    )
    run(ask(make_client(hot, ResponseCache(tmp_path / "a")), text_message()))
    run(ask(make_client(hot, ResponseCache(tmp_path / "a")), text_message()))
    assert server.request_count == 2 and server.requests[0].body["temperature"] == 1
    opted_in = ResponseCache(tmp_path / "b", cache_nondeterministic=True)
    run(ask(make_client(hot, opted_in), text_message()))
    assert run(ask(make_client(hot, opted_in), text_message())).cached and server.request_count == 3


def test_sentinel_key_never_reaches_cache_file_or_results(
    server: LocalServer, spec: ModelSpec, cache: ResponseCache
) -> None:
    client = make_client(spec, cache, max_retries=0)
    results = [run(ask(client, image_message(png_bytes()))), run(ask(client, image_message(png_bytes())))]
    server.set_fault(Fault("unauthorized"))
    results.append(run(ask(client, text_message("denied"))))
    assert results[1].cached and results[2].error is not None
    assert all(r.headers.get("authorization") == f"Bearer {SENTINEL_KEY}" for r in server.requests)
    stored = b"".join(p.read_bytes() for p in cache.directory.iterdir())  # the db and its WAL
    assert len(stored) > 0 and SENTINEL_KEY.encode() not in stored
    assert all(SENTINEL_KEY not in repr(r) for r in results)


def test_four_concurrent_calls_take_about_one_latency(spec: ModelSpec) -> None:
    latency = 0.3
    with LocalServer(reply=lambda m: "ok", latency_s=0.0) as srv:
        client = make_client(resolve_model(spec.litellm_id, srv.base_url), None)

        async def main() -> float:
            await ask(client, text_message("warm-up"))  # first call builds litellm's HTTP client
            srv.latency_s = latency
            started = time.monotonic()
            results = await asyncio.gather(*(ask(client, text_message(m)) for m in ("ocr", "t", "img", "mix")))
            assert all(r.ok for r in results)
            return time.monotonic() - started

        elapsed = run(main())
    assert latency <= elapsed < 2 * latency


def test_concurrency_bound_queues_excess_calls(spec: ModelSpec) -> None:
    latency = 0.2
    with LocalServer(reply=lambda m: "ok") as srv:
        client = make_client(resolve_model(spec.litellm_id, srv.base_url), None, concurrency=2)

        async def main() -> float:
            await ask(client, text_message("warm-up"))
            srv.latency_s = latency
            started = time.monotonic()
            await asyncio.gather(*(ask(client, text_message(str(i))) for i in range(4)))
            return time.monotonic() - started

        elapsed = run(main())
    assert 2 * latency <= elapsed < 4 * latency  # two waves of two, not one wave of four


def test_cost_comes_from_litellm_price_map_when_known(server: LocalServer, sentinel_key: str) -> None:
    from fixtures.models.llm import import_litellm

    priced = resolve_model("openai/gpt-4o-mini-2024-07-18", server.base_url)
    result = run(ask(make_client(priced, None), text_message("a priced reply")))
    prices = import_litellm().model_cost["gpt-4o-mini-2024-07-18"]
    expected = (
        result.prompt_tokens * prices["input_cost_per_token"]
        + result.completion_tokens * prices["output_cost_per_token"]
    )
    assert result.cost_usd == pytest.approx(expected)
    unpriced = run(ask(make_client(resolve_model("openai/no-such-price", server.base_url), None), text_message()))
    assert unpriced.ok and unpriced.cost_usd is None


def test_local_server_without_any_key_gets_a_placeholder(server: LocalServer, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("OPENAI_API_KEY", raising=False)
    result = run(ask(make_client(resolve_model("openai/keyless", server.base_url), None), text_message("hi")))
    assert result.ok and server.requests[0].headers["authorization"] == "Bearer EMPTY"


def test_connection_errors_are_retried_then_reported(sentinel_key: str) -> None:
    with LocalServer(reply=lambda m: "ok") as srv:
        dead = srv.base_url  # the port is free again once the server stops
    result = run(ask(make_client(resolve_model("openai/gone", dead), None, max_retries=2), text_message()))
    assert result.error is not None and "gave up after 3 attempts" in result.error
    assert "connection" in result.error.lower() and result.attempts == 3


def test_in_process_provider_failures_are_not_retried(monkeypatch: pytest.MonkeyPatch) -> None:
    from litellm import CustomLLM

    import fixtures.models.client as client_module
    from fixtures.models.llm import import_litellm

    class Broken(CustomLLM):
        async def acompletion(self, *args: object, **kwargs: object) -> object:
            raise ValueError("the OCR engine failed")

    litellm = import_litellm()
    monkeypatch.setattr(litellm, "custom_provider_map", [{"provider": "restgate-broken", "custom_handler": Broken()}])
    monkeypatch.setattr(litellm, "_custom_providers", list(litellm._custom_providers))
    monkeypatch.setattr(client_module, "IN_PROCESS_PROVIDERS", frozenset({"restgate-broken"}))
    spec = ModelSpec(name="broken", litellm_id="restgate-broken/x", provider="restgate-broken")
    result = run(ask(make_client(spec, None), text_message()))
    assert result.attempts == 1 and result.error is not None
    assert "the OCR engine failed" in result.error and "Traceback" not in result.error
