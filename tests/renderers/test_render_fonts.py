"""The bundled fonts: present with licences, the named faces, loud failure when missing, glyph coverage."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from pytest_restgate.renderers import FONT_DIR, FONT_FILES, FontFileMissingError, missing_glyphs
from pytest_restgate.renderers.typefaces import font_path, has_glyph, load_font

EXPECTED_FACES = {"dejavu": "DejaVu Sans", "courier": "Liberation Mono", "cursive": "Comic Neue"}


def test_bundle_has_fonts_licences_and_readme() -> None:
    for name in FONT_FILES.values():
        assert (FONT_DIR / name).is_file()
    for licence in ("LICENSE-DejaVu.txt", "LICENSE-Liberation.txt", "LICENSE-ComicNeue.txt"):
        assert (FONT_DIR / licence).stat().st_size > 1000
    readme = (FONT_DIR / "README.md").read_text()
    assert all(name in readme for name in FONT_FILES.values())
    assert "Courier New" in readme


@pytest.mark.parametrize("font", list(FONT_FILES))
def test_each_style_font_is_the_named_face(font: str) -> None:
    family, _style = load_font(font, 20.0).getname()
    assert family == EXPECTED_FACES[font]
    assert font_path(font).parent == FONT_DIR


def test_missing_font_file_fails_loudly(tmp_path: Path) -> None:
    for name in ("DejaVuSans.ttf", "LiberationMono-Regular.ttf"):
        shutil.copy(FONT_DIR / name, tmp_path / name)
    assert load_font("dejavu", 10.0, tmp_path).getname()[0] == "DejaVu Sans"
    with pytest.raises(FontFileMissingError, match=r"ComicNeue-Regular\.otf") as info:
        load_font("cursive", 10.0, tmp_path)
    assert isinstance(info.value, FileNotFoundError)
    assert "never falls back" in str(info.value)


def test_unknown_font_key_lists_valid_fonts() -> None:
    with pytest.raises(ValueError, match="dejavu, courier, cursive"):
        font_path("helvetica")


def test_missing_glyphs_reports_what_a_face_cannot_draw() -> None:
    text = "If x ≤ π then √2 α → β: 3A + 2B = 17"
    assert missing_glyphs(text, "dejavu") == frozenset()
    assert missing_glyphs(text, "cursive") == frozenset("≤π√α→β")
    assert has_glyph("cursive", "A") and not has_glyph("cursive", "π")
