"""The reference model through the same client path as any model: in-process provider and over HTTP."""

from __future__ import annotations

from pathlib import Path

import pytest
from modelkit import ask, image_message, make_client, run, text_message

from fixtures.models.aliases import check_model, resolve_model
from fixtures.models.cache import ResponseCache
from fixtures.models.localserver import LocalServer
from renderers import REST_DEFAULT, render_png

SYSTEM = "3A + 2B - C = 17\n4A + 5C = 22\nA + B + C = 9"


@pytest.fixture
def no_cloud_keys(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("OPENAI_API_KEY", "ANTHROPIC_API_KEY", "GEMINI_API_KEY", "GOOGLE_API_KEY"):
        monkeypatch.delenv(name, raising=False)


def test_reference_needs_no_key_and_answers_through_the_client(no_cloud_keys: None, tmp_path: Path) -> None:
    spec = check_model(resolve_model("reference"))
    first = run(ask(make_client(spec, ResponseCache(tmp_path)), text_message("What is 2 + 2? A) 3 B) 4")))
    again = run(ask(make_client(spec, ResponseCache(tmp_path)), text_message("What is 2 + 2? A) 3 B) 4")))
    assert first.ok and first.text and not first.cached and first.attempts == 1
    assert first.prompt_tokens and first.completion_tokens and first.cost_usd is None  # no price: not a guess
    assert again.cached and again.text == first.text


@pytest.mark.slow  # builds the OCR engine and reads a page: about 9 s on 2 cores
def test_the_local_server_serves_the_reference_model(no_cloud_keys: None) -> None:
    png = render_png(SYSTEM, REST_DEFAULT)
    messages = image_message(png, question="Transcribe all the text in the image exactly.")
    in_process = run(ask(make_client(resolve_model("reference"), None, timeout_s=120), messages, purpose="ocr"))
    with LocalServer() as server:  # no reply function: the reference model answers
        client = make_client(resolve_model("openai/reference", server.base_url), None, timeout_s=120)
        over_http = run(ask(client, messages))
    assert in_process.ok and over_http.ok and over_http.text == in_process.text
    assert "".join(in_process.text.split()) == "".join(SYSTEM.split())
