"""The persisted page memo (renderers/memo.py): what it serves is exactly a fresh render, pixel for pixel; a
damaged entry is re-rendered, never served; a renderer-version bump misses; concurrent writers leave whole entries."""

from __future__ import annotations

import io
import multiprocessing
import os
from collections.abc import Iterator
from dataclasses import fields, replace
from pathlib import Path

import pytest
from PIL import Image

from pytest_restgate.renderers import (
    RENDERER_VERSION,
    REST_DEFAULT,
    REST_PLUS_STYLES,
    PageMemo,
    RenderStyle,
    active_page_memo,
    encode,
    render,
    render_data_uri,
    render_png,
    style_by_name,
    use_page_memo,
)
from pytest_restgate.renderers.memo import MAGIC, PageMemoWarning

TEXT = "3A + 2B - C = 17\n4A + 5C = 22\nA + B + C = 9\n\nWhat is the value of A + B?\n\tA) 4\n\tB) 5 ünïcödé"
STYLES = (REST_DEFAULT, *(style_by_name(n) for n in ("dejavu-50dpi", "courier-100dpi", "cursive-200dpi")),
          REST_PLUS_STYLES[-1])
"""The REST default, REST+ faces at each DPI, and the coloured REST+ style (RGB pages)."""


@pytest.fixture
def memo(tmp_path: Path) -> Iterator[PageMemo]:
    """A memo in use by `render_png`, with the in-process memos emptied before and after."""
    page_memo = PageMemo(tmp_path / "pages", version=RENDERER_VERSION)
    _forget()
    use_page_memo(page_memo)
    yield page_memo
    use_page_memo(None)
    _forget()


def _forget() -> None:
    render_png.cache_clear()
    render_data_uri.cache_clear()


def _pixels(png: bytes) -> tuple[str, tuple[int, int], bytes]:
    with Image.open(io.BytesIO(png)) as image:
        return image.mode, image.size, image.tobytes()


@pytest.mark.parametrize("style", STYLES, ids=lambda s: s.name)
def test_a_memoised_page_decodes_to_the_pixels_of_a_fresh_render(memo: PageMemo, style: RenderStyle) -> None:
    style = style.for_item("soebench/0003")
    first = render_png(TEXT, style)
    assert (memo.misses, memo.writes, memo.hits) == (1, 1, 0)
    _forget()
    again = render_png(TEXT, style)
    assert (memo.misses, memo.hits) == (1, 1)  # read back, not drawn
    fresh = render(TEXT, style)
    assert _pixels(again) == (fresh.mode, fresh.size, fresh.tobytes())
    assert again == first


def test_a_second_pass_draws_nothing(memo: PageMemo, monkeypatch: pytest.MonkeyPatch) -> None:
    drawn: list[str] = []
    real = encode.render
    monkeypatch.setattr(encode, "render", lambda text, style: drawn.append(style.name) or real(text, style))
    styles = [s.for_item("soebench/0003") for s in STYLES]
    for style in styles:
        render_png(TEXT, style)
    assert len(drawn) == len(STYLES)
    _forget()
    for style in styles:
        render_png(TEXT, style)
    assert len(drawn) == len(STYLES) and memo.hits == len(STYLES)


def test_a_renderer_version_bump_misses(tmp_path: Path) -> None:
    old = PageMemo(tmp_path, version="1+pillow0+freetype0")
    old.put(TEXT, REST_DEFAULT, b"\x89PNG old pixels")
    assert old.get(TEXT, REST_DEFAULT) == b"\x89PNG old pixels"
    new = PageMemo(tmp_path, version="2+pillow0+freetype0")
    assert new.get(TEXT, REST_DEFAULT) is None and new.misses == 1


def test_every_style_field_and_the_text_are_in_the_key(tmp_path: Path) -> None:
    memo = PageMemo(tmp_path, version=RENDERER_VERSION)
    changed = [replace(REST_DEFAULT, name="other"), replace(REST_DEFAULT, font="courier"),
               replace(REST_DEFAULT, dpi=100), replace(REST_DEFAULT, colour=(0, 0, 255)),
               replace(REST_DEFAULT, size_pt=11.0), replace(REST_DEFAULT, page_width_in=6.0),
               replace(REST_DEFAULT, margin_in=0.5)]
    keys = {memo.key(TEXT, REST_DEFAULT), memo.key(TEXT + " ", REST_DEFAULT), *(memo.key(TEXT, s) for s in changed)}
    assert len(keys) == 2 + len(changed) == 2 + len(fields(RenderStyle))


@pytest.mark.parametrize("damage", ["truncated", "flipped byte", "empty", "foreign file"])
def test_a_damaged_entry_is_rendered_again_never_served(memo: PageMemo, damage: str) -> None:
    good = render_png(TEXT, REST_DEFAULT)
    path = memo.path(memo.key(TEXT, REST_DEFAULT))
    data = path.read_bytes()
    damaged = {"truncated": data[: len(data) // 2], "flipped byte": data[:-20] + bytes([data[-20] ^ 1]) + data[-19:],
               "empty": b"", "foreign file": good}[damage]
    path.write_bytes(damaged)
    _forget()
    assert render_png(TEXT, REST_DEFAULT) == good  # drawn again, not the damaged bytes
    assert memo.damaged == 1 and memo.writes == 2
    assert path.read_bytes() == data  # and the entry replaced by a whole one
    assert memo.get(TEXT, REST_DEFAULT) == good


def test_an_unwritable_folder_warns_once_and_pages_still_render(tmp_path: Path) -> None:
    (tmp_path / "pages").write_text("a file where the folder should be")
    memo = PageMemo(tmp_path / "pages", version=RENDERER_VERSION)
    with pytest.warns(PageMemoWarning, match="not being written"):
        memo.put(TEXT, REST_DEFAULT, b"png")
    memo.put(TEXT, style_by_name("dejavu-50dpi"), b"png")  # no second warning, no exception
    assert memo.write_error is not None and memo.writes == 0


def _write_many(args: tuple[str, int]) -> int:
    folder, seed = args
    memo = PageMemo(folder, version=RENDERER_VERSION)
    for n in range(40):
        text = f"page {(n + seed) % 8}"
        memo.put(text, REST_DEFAULT, MAGIC + text.encode() * 500)
        got = memo.get(text, REST_DEFAULT)
        assert got is None or got == MAGIC + text.encode() * 500
    return memo.hits


def test_concurrent_writers_leave_whole_entries(tmp_path: Path) -> None:
    """Four processes writing the same eight keys at once (as xdist workers do): every read whole, no leftovers."""
    with multiprocessing.get_context("fork").Pool(4) as pool:
        hits = pool.map(_write_many, [(str(tmp_path), seed) for seed in range(4)])
    assert sum(hits) == 4 * 40
    files = [p for p in tmp_path.rglob("*") if p.is_file()]
    assert len(files) == 8 and not [p for p in files if p.name.startswith(".tmp-")]
    memo = PageMemo(tmp_path, version=RENDERER_VERSION)
    assert all(memo.get(f"page {n}", REST_DEFAULT) == MAGIC + f"page {n}".encode() * 500 for n in range(8))


def test_prune_keeps_the_folder_under_its_bound_least_recently_used_first(tmp_path: Path) -> None:
    memo = PageMemo(tmp_path, version=RENDERER_VERSION, max_bytes=10_000)
    assert memo.prune() == 0  # nothing to do, and a stamp: the next prune waits an hour
    (tmp_path / ".pruned").unlink()
    for n in range(10):
        memo.put(f"page {n}", REST_DEFAULT, b"x" * 1_900)
        path = memo.path(memo.key(f"page {n}", REST_DEFAULT))
        os.utime(path, (1_000_000 + n, 1_000_000 + n))
    stale = tmp_path / "ab" / ".tmp-left-by-a-killed-run.page"
    stale.parent.mkdir(exist_ok=True)
    stale.write_bytes(b"half")
    os.utime(stale, (1_000, 1_000))
    assert memo.prune() > 0
    assert memo.prune() == 0  # not again within the hour
    assert not stale.exists()
    sizes = [p.stat().st_size for p in tmp_path.rglob("*.page")]
    assert sum(sizes) <= 8_000 and len(sizes) >= 3
    assert memo.get("page 9", REST_DEFAULT) is not None and memo.get("page 0", REST_DEFAULT) is None


def test_no_memo_is_in_use_by_default() -> None:
    assert active_page_memo() is None
