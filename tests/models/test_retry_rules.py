"""Retry rules as pure functions: Retry-After parsing, backoff, and which litellm errors are transient."""

from __future__ import annotations

import email.utils

import httpx
import pytest
from modelkit import SENTINEL_KEY

from fixtures.models.llm import import_litellm
from fixtures.models.retry import backoff_s, classify, describe, parse_retry_after, redact


def test_retry_after_forms() -> None:
    assert parse_retry_after({"retry-after": "2"}) == 2.0
    assert parse_retry_after({"retry-after": "0.25"}) == 0.25
    assert parse_retry_after({"retry-after-ms": "1500", "retry-after": "9"}) == 1.5
    assert parse_retry_after(httpx.Headers({"Retry-After": "3"})) == 3.0  # case-insensitive headers
    date = email.utils.formatdate(1_000_010.0, usegmt=True)
    assert parse_retry_after({"retry-after": date}, now=1_000_000.0) == pytest.approx(10.0)
    assert parse_retry_after({"retry-after": "soon"}) is None
    assert parse_retry_after({}) is None and parse_retry_after(None) is None
    assert parse_retry_after({"retry-after": "-4"}) == 0.0


def test_backoff_grows_is_capped_and_deterministic() -> None:
    delays = [backoff_s(a, base_s=1.0, max_s=8.0, seed="k") for a in range(1, 7)]
    assert delays == [backoff_s(a, base_s=1.0, max_s=8.0, seed="k") for a in range(1, 7)]
    for attempt, delay in enumerate(delays, start=1):
        ceiling = min(8.0, 2.0 ** (attempt - 1))
        assert ceiling / 2 <= delay <= ceiling
    assert backoff_s(3, base_s=1.0, max_s=8.0, seed="a") != backoff_s(3, base_s=1.0, max_s=8.0, seed="b")


def _response(status: int, headers: dict[str, str] | None = None) -> httpx.Response:
    return httpx.Response(status, headers=headers, request=httpx.Request("POST", "http://127.0.0.1/v1"))


def test_transient_errors_are_retryable() -> None:
    ll = import_litellm()
    limited = classify(ll.RateLimitError("slow down", "openai", "m", response=_response(429, {"retry-after": "4"})))
    assert limited.retryable and limited.status == 429 and limited.retry_after_s == 4.0
    for exc in [
        ll.InternalServerError("boom", "openai", "m", response=_response(500)),
        ll.ServiceUnavailableError("busy", "openai", "m", response=_response(503)),
        ll.Timeout("late", "m", "openai"),
        ll.APIConnectionError("refused", "openai", "m"),
    ]:
        assert classify(exc).retryable, exc


def test_client_errors_are_not_retryable_and_say_why() -> None:
    ll = import_litellm()
    cases = [
        (ll.BadRequestError("bad", "m", "openai", response=_response(400)), "rejected the request (400)"),
        (ll.AuthenticationError("nope", "openai", "m", response=_response(401)), "check the API key"),
        (
            ll.PermissionDeniedError("no", "openai", "m", response=_response(403)),
            "cannot use this model (403)",
        ),
        (ll.NotFoundError("where", "m", "openai", response=_response(404)), "check --model and --api-base"),
    ]
    for exc, hint in cases:
        failure = classify(exc)
        assert not failure.retryable and hint in failure.message, failure


def test_unknown_exceptions_are_not_retried() -> None:
    failure = classify(ValueError("a bug"))
    assert not failure.retryable and failure.message == "ValueError: a bug"


def test_messages_are_one_line_short_and_key_free(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SOME_PROVIDER_API_KEY", SENTINEL_KEY)
    text = describe(RuntimeError(f"Incorrect API key {SENTINEL_KEY}\nTraceback...\n" + "x" * 1000))
    assert SENTINEL_KEY not in text and "***" in text and "\n" not in text and len(text) <= 303
    assert redact("nothing secret") == "nothing secret"
