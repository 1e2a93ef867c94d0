"""Rendering: page geometry, ink placement, glyph size against DPI, colour, determinism."""

from __future__ import annotations

import hashlib
import subprocess
import sys
from collections import Counter
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from pytest_restgate import renderers
from pytest_restgate.renderers import (
    COLOURS,
    REST_DEFAULT,
    REST_PLUS_STYLES,
    RenderStyle,
    colour_for,
    geometry,
    render,
    render_png,
    style_by_name,
)

SYSTEM = "3A + 2B - C = 17\n4A + 5C = 22\nA + B + C = 9\n\nWhat is the value of A + B?"
LONG = " ".join(["Which statement about the overhanging fjord best explains why it formed?"] * 8)


def _ink(image: Image.Image) -> np.ndarray:
    """Boolean mask of non-white pixels."""
    return (np.asarray(image.convert("RGB")) != 255).any(axis=2)


def _ink_rows(image: Image.Image) -> np.ndarray:
    return np.flatnonzero(_ink(image).any(axis=1))


def _ink_cols(image: Image.Image) -> np.ndarray:
    return np.flatnonzero(_ink(image).any(axis=0))


def test_default_is_black_on_white_greyscale() -> None:
    page = render(SYSTEM, REST_DEFAULT)
    assert page.mode == "L"  # a third of the bytes to draw and encode
    image = page.convert("RGB")
    pixels = np.asarray(image).reshape(-1, 3)
    corners = np.asarray(image)[[0, 0, -1, -1], [0, -1, 0, -1]]
    assert (corners == 255).all()
    grey = pixels[(pixels != 255).any(axis=1)]
    assert (grey[:, 0] == grey[:, 1]).all() and (grey[:, 1] == grey[:, 2]).all()  # no colour at all
    assert (grey == 0).all(axis=1).any()  # solid black strokes, not only anti-aliased grey


@pytest.mark.parametrize("style", REST_PLUS_STYLES, ids=lambda s: s.name)
def test_page_width_fixed_height_fits_lines(style: RenderStyle) -> None:
    style = style.for_item("soebench/0000")
    geo = geometry(style)
    short, long = render("x", style), render(LONG, style)
    assert short.width == long.width == geo.page_width_px
    assert abs(geo.page_width_px - (style.page_width_in + 2 * style.margin_in) * style.dpi) <= 1
    n_lines = (long.height - 2 * geo.margin_px) // geo.line_pitch_px
    assert long.height == n_lines * geo.line_pitch_px + 2 * geo.margin_px
    assert short.height == geo.line_pitch_px + 2 * geo.margin_px
    assert n_lines > 3
    rows = _ink_rows(long)
    assert rows[-1] >= long.height - geo.margin_px - geo.line_pitch_px  # the last line is drawn, no slack
    cols = _ink_cols(long)
    assert cols[0] >= geo.margin_px - 1
    assert cols[-1] < geo.margin_px + geo.text_width_px + 1  # wrapping keeps ink inside the page width


def test_long_word_does_not_overflow() -> None:
    style = style_by_name("courier-100dpi")
    geo = geometry(style)
    image = render("W" * 500, style)
    assert _ink_cols(image)[-1] < geo.margin_px + geo.text_width_px + 1
    assert image.height > 5 * geo.line_pitch_px


def test_blank_lines_are_preserved() -> None:
    geo = geometry(REST_DEFAULT)
    image = render("top\n\n\nbottom", REST_DEFAULT)
    assert image.height == 4 * geo.line_pitch_px + 2 * geo.margin_px
    per_line = [
        _ink(image)[geo.margin_px + i * geo.line_pitch_px : geo.margin_px + (i + 1) * geo.line_pitch_px].any()
        for i in range(4)
    ]
    assert per_line == [True, False, False, True]
    assert render("top\n\n\nbottom", REST_DEFAULT).height > render("top\nbottom", REST_DEFAULT).height


@pytest.mark.parametrize("font", ["dejavu", "courier", "cursive"])
def test_glyph_size_scales_linearly_with_dpi(font: str) -> None:
    """Cap height, line pitch and line width at 50 and 100 DPI are 1/4 and 1/2 of those at 200 DPI."""
    measured = {}
    for dpi in (50, 100, 200):
        style = style_by_name(f"{font}-{dpi}dpi")
        caps = render("HHHH", style)
        line = render("3A + 2B - C = 17 and 4A + 5C = 22", style)
        rows, cols = _ink_rows(caps), _ink_cols(line)
        measured[dpi] = (rows[-1] - rows[0] + 1, cols[-1] - cols[0] + 1, geometry(style).line_pitch_px)
        assert style.size_px == pytest.approx(12 * dpi / 72)
    for dpi in (50, 100):
        scale = dpi / 200
        cap, width, pitch = measured[dpi]
        cap200, width200, pitch200 = measured[200]
        assert abs(cap - cap200 * scale) <= 1.0, measured
        assert abs(pitch - pitch200 * scale) <= 1.0, measured
        assert width == pytest.approx(width200 * scale, rel=0.08), measured  # hinting rounds advances


def test_ten_rest_plus_styles_render_distinct_pngs() -> None:
    pngs = {render_png(SYSTEM, s.for_item("soebench/0000")) for s in REST_PLUS_STYLES}
    assert len(pngs) == 10


def _item_with(colour: tuple[int, int, int]) -> str:
    return next(i for i in (f"soebench/{n:04d}" for n in range(1000)) if colour_for(i) == colour)


@pytest.mark.parametrize("name", list(COLOURS))
def test_item_colour_is_applied(name: str) -> None:
    rgb = COLOURS[name]
    style = style_by_name("colour-200dpi").for_item(_item_with(rgb))
    assert style.colour == rgb
    pixels = np.asarray(render(SYSTEM, style)).reshape(-1, 3)
    ink = pixels[(pixels != 255).any(axis=1)]
    most_common = Counter(map(tuple, ink.tolist())).most_common(1)[0][0]
    assert most_common == rgb  # the solid stroke colour is exactly the documented RGB
    assert (ink >= np.array(rgb)).all()  # anti-aliasing only blends towards white, never another hue


def test_per_item_style_must_be_resolved() -> None:
    with pytest.raises(ValueError, match="for_item"):
        render(SYSTEM, style_by_name("colour-200dpi"))


def test_same_input_same_bytes() -> None:
    for style in (REST_DEFAULT, style_by_name("cursive-50dpi")):
        first = render(SYSTEM, style)
        assert first.tobytes() == render(SYSTEM, style).tobytes()
    render_png.cache_clear()
    first_png = render_png(LONG, REST_DEFAULT)
    render_png.cache_clear()
    assert render_png(LONG, REST_DEFAULT) == first_png


def test_same_bytes_in_a_fresh_process() -> None:
    """Another interpreter (other hash seed, cold font cache) produces the identical PNG."""
    code = (
        "import hashlib; from pytest_restgate import renderers; "
        f"print(hashlib.sha256(renderers.render_png({SYSTEM!r}, renderers.REST_DEFAULT)).hexdigest())"
    )
    root = Path(renderers.__file__).resolve().parents[1]
    env = {"PYTHONHASHSEED": "7", "PYTHONPATH": str(root)}
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, env=env, cwd=root
    )
    assert out.stdout.strip() == hashlib.sha256(render_png(SYSTEM, REST_DEFAULT)).hexdigest()
