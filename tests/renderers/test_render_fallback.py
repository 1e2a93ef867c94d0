"""No .notdef boxes: characters a style's face lacks are drawn in DejaVu Sans, the same way every time."""

from __future__ import annotations

from PIL import Image, ImageChops

from pytest_restgate.renderers import fallback_chars, missing_glyphs, render, style_by_name, to_png, undrawable_chars
from pytest_restgate.renderers.fallback import FallbackFace
from pytest_restgate.renderers.layout import wrap

MATH = "π α √ ≤ → ∞"


def _ink(image: Image.Image) -> Image.Image:
    """The page cropped to its ink (non-white pixels), as greyscale."""
    grey = image.convert("L")
    box = ImageChops.invert(grey).getbbox()
    assert box is not None, "blank page"
    return grey.crop(box)


def test_cursive_lacks_the_math_symbols_and_falls_back_for_each() -> None:
    assert missing_glyphs(MATH, "cursive") == frozenset(MATH.replace(" ", ""))
    assert fallback_chars(MATH + " x = 1", "cursive") == frozenset(MATH.replace(" ", ""))
    assert fallback_chars(MATH, "dejavu") == frozenset()
    assert fallback_chars("3A + 2B - C = 17", "cursive") == frozenset()


def test_each_missing_symbol_is_drawn_as_dejavu_draws_it_not_as_a_box() -> None:
    cursive, dejavu = style_by_name("cursive-200dpi"), style_by_name("dejavu-200dpi")
    box = _ink(render("\U0010fffd", cursive))  # the face's .notdef glyph
    for ch in MATH.replace(" ", ""):
        drawn = _ink(render(ch, cursive))
        assert drawn.tobytes() != box.tobytes(), f"{ch!r} drawn as a box"
        assert drawn.tobytes() == _ink(render(ch, dejavu)).tobytes(), f"{ch!r} not DejaVu Sans's glyph"


def test_fallback_runs_share_the_line_and_keep_their_order() -> None:
    face = FallbackFace.load("cursive", 200 * 12 / 72)
    assert face.runs("x ≤ 2π") == [("x ", False), ("≤", True), (" 2", False), ("π", True)]
    assert face.runs("x + 1") == [("x + 1", False)]
    assert face.getlength("x + 1") == face.primary.getlength("x + 1")


def test_a_page_with_fallback_is_deterministic_and_wraps_within_the_page() -> None:
    style = style_by_name("cursive-50dpi")
    text = ("If α → ∞ then √α ≤ π · α holds for every value we test here. " * 6).strip()
    assert to_png(render(text, style)) == to_png(render(text, style))
    face = FallbackFace.load(style.font, style.size_px)
    lines = wrap(text, face, 6.5 * 50)
    assert len(lines) > 1 and all(face.getlength(line) <= 6.5 * 50 for line in lines)


def test_characters_no_bundled_face_has_are_reported() -> None:
    assert undrawable_chars("漢 x π") == frozenset("漢")
    assert undrawable_chars(MATH) == frozenset()
