"""Issue 10, cases 4, 5, 9 and 11 at the unit level: provider text cleaned, URLs redacted, HTML clipped."""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from pytest_restgate.core.untrusted import (
    printable,
    redact_secrets,
    redact_url,
    redact_urls,
    scrub_surrogates,
    secret_values,
)
from pytest_restgate.reports.html import MAX_RESPONSE_CHARS, responses_html
from pytest_restgate.reports.terminal import summary_lines
from tests.support.localserver import HOSTILE


def test_printable_strips_csi_osc_bel_and_c1() -> None:
    text = printable(f"before {HOSTILE} after\nnext\tcol")
    assert text == "before click after\nnext\tcol"


@pytest.mark.parametrize("opener", ["\x90", "\x1bP", "\x9d", "\x1b]", "\x98", "\x9f"])
def test_an_unterminated_string_sequence_never_takes_the_next_lines(opener: str) -> None:
    """A damaged summary's model "\x90" (an unterminated DCS) took every later row of `restgate runs`."""
    assert printable(f"row one {opener}junk\nrow two\nrow three") == "row one \nrow two\nrow three"


@given(st.text())
def test_printable_never_leaves_a_control_character(text: str) -> None:
    cleaned = printable(text)
    assert not any((ord(c) < 32 and c not in "\n\t") or 0x7F <= ord(c) <= 0x9F for c in cleaned)
    cleaned.encode("utf-8")


def test_surrogates_are_replaced_and_reported() -> None:
    assert scrub_surrogates("a\ud800b\udfffc") == ("a\ufffdb\ufffdc", True)
    assert scrub_surrogates("plain é") == ("plain é", False)


def test_api_base_credentials_are_redacted() -> None:
    url = "https://bob:KEY123@host.example:8443/v1?api_key=QS&model=x&sig=S1G"
    shown = redact_url(url)
    assert shown is not None
    assert "KEY123" not in shown and "QS" not in shown and "S1G" not in shown
    assert shown.startswith("https://***@host.example:8443/v1?") and "model=x" in shown
    assert redact_url("http://127.0.0.1:8000/v1") == "http://127.0.0.1:8000/v1"
    assert redact_url("http://[::1/v1") == "http://[::1/v1"  # does not parse: left as is, never raises
    assert redact_urls("failed: POST http://u:p@h/v1/chat?token=abc&x=1") == "failed: POST http://***@h/v1/chat?token=***&x=1"


def _record(response: str, **extra: Any) -> dict[str, Any]:
    return {"modality": "text", "strategy": "direct", "style": "default", "cached": False, "error": None,
            "response": response, **extra}


def test_html_clips_a_giant_response_and_says_how_big_it_was() -> None:
    giant = "y" * 1_000_000
    html = responses_html([_record(giant)])
    assert len(html) < MAX_RESPONSE_CHARS + 1000
    assert "truncated" in html and "1,000,000 characters" in html and "results.jsonl" in html


def test_html_gets_no_escape_sequences() -> None:
    html = responses_html([_record(f"answer {HOSTILE}", error=None), _record("", error=f"boom {HOSTILE}")])
    assert "\x1b" not in html and "\x07" not in html and "\x9b" not in html and "pwned" not in html


def test_the_terminal_points_to_the_report_that_was_written() -> None:
    doc: dict[str, Any] = {"run": {}, "usage": {}, "tests": {}, "metrics": {}}
    assert summary_lines(doc, [], None, "/runs/r1")[-1].startswith("report: /runs/r1/report.html  (")
    line = summary_lines(doc, [], None, "/runs/r1", "/tmp/mine.html")[-1]
    assert line == "report: /tmp/mine.html  (results.jsonl, summary.json in /runs/r1)"


def test_secret_values_cover_the_provider_key_and_url_credentials(monkeypatch: pytest.MonkeyPatch) -> None:
    """Issue 22: the provider's key variable counts whatever its name; URL userinfo and key params count."""
    monkeypatch.setenv("ODD_PROVIDER_VAR", "provider-secret-123")
    found = secret_values(("ODD_PROVIDER_VAR",), ("http://user:p%40ss-word-9@h/v1?key=query-secret-1",))
    assert {"provider-secret-123", "p@ss-word-9", "query-secret-1"} <= found
    text = "echo Bearer provider-secret-123 and p@ss-word-9 at http://user:pw@h/?token=abc"
    assert redact_secrets(text, found) == "echo Bearer *** and *** at http://***@h/?token=***"


def test_the_longest_secret_is_hidden_whole(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("A_API_KEY", "sk-abcdefgh")
    monkeypatch.setenv("B_API_KEY", "sk-abcdefgh-longer")
    assert redact_secrets("key sk-abcdefgh-longer") == "key ***"
    assert redact_secrets("short") == "short"


def test_redacting_a_megabyte_of_letters_stays_linear() -> None:
    """A 1 MB reply of letters: the unbounded URL-scheme pattern backtracked quadratically (the run hung)."""
    text = "x" * 1_000_000 + " http://u:pw@h/ "
    assert redact_secrets(text, frozenset()).endswith(" http://***@h/ ")
