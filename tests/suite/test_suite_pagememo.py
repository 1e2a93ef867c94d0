"""Issue 26 item 4 end to end: a warm rerun draws no page an earlier run drew (renderers/memo.py).

Each run is the whole suite in-process against the local server. Pages are counted where they are drawn
(`renderers.encode.render`); the in-process memos are emptied between runs, as a new process would start.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from pytest_restgate.fixtures import pagememo
from pytest_restgate.renderers import encode, render_data_uri, render_png
from tests.support.localserver import LocalServer

pytestmark = pytest.mark.slow


def _answer(messages: list[dict[str, object]]) -> str:
    return "Thinking.\nAnswer: 7"


def _new_process() -> None:
    render_png.cache_clear()
    render_data_uri.cache_clear()


def test_a_warm_rerun_draws_nothing_and_a_version_bump_draws_again(  # type: ignore[no-untyped-def]
    run_suite, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    drawn: list[str] = []
    real = encode.render
    monkeypatch.setattr(encode, "render", lambda text, style: drawn.append(style.name) or real(text, style))
    cache = tmp_path / "cache"
    with LocalServer(reply=_answer) as server:
        args = ("--limit=3", "--model=openai/scripted", f"--api-base={server.base_url}")
        _new_process()
        cold = run_suite(*args, cache_dir=cache)
        cold.result.assert_outcomes(passed=3)
        first, calls = len(drawn), server.request_count
        assert first >= 3 and len(list((cache / pagememo.PAGES_DIR).rglob("*.page"))) == first

        _new_process()
        warm = run_suite(*args, cache_dir=cache)
        warm.result.assert_outcomes(passed=3)
        assert len(drawn) == first and server.request_count == calls  # no page drawn, no call made
        assert warm.records == [{**r, "cached": True} for r in warm.records] and len(warm.records) == 12

        _new_process()
        monkeypatch.setattr(pagememo, "RENDERER_VERSION", "bumped+pillow0+freetype0")
        bumped = run_suite(*args, "--response-cache=refresh", cache_dir=cache)
        bumped.result.assert_outcomes(passed=3)
        assert len(drawn) == 2 * first  # every page drawn again under the new version
    _new_process()


def test_xdist_workers_fill_the_memo(run_suite, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    """Under -n 2 the workers draw the pages (the controller draws none), so pages on disk are theirs."""
    cache = tmp_path / "cache"
    with LocalServer(reply=_answer) as server:
        run = run_suite("--limit=2", "-n", "2", "--model=openai/scripted", f"--api-base={server.base_url}",
                        cache_dir=cache)
    run.result.assert_outcomes(passed=2)
    assert len(list((cache / pagememo.PAGES_DIR).rglob("*.page"))) >= 2
