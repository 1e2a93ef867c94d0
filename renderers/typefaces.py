"""The three bundled typefaces, loaded only from `renderers/fonts/`.

Rendering must not depend on what a machine happens to have installed: a missing file raises
`FontFileMissingError` naming it, and nothing ever falls back to a system font (a silent substitute would
change the pixels a model sees while every cache key and report still claimed the named face).
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

from PIL import ImageFont

FONT_DIR = Path(__file__).resolve().parent / "fonts"
"""The bundled font folder; see its README.md for the files' origin and licences."""

FONT_FILES: dict[str, str] = {
    "dejavu": "DejaVuSans.ttf",  # DejaVu Sans (Bitstream Vera licence + public-domain changes)
    "courier": "LiberationMono-Regular.ttf",  # Liberation Mono, metric clone of Courier New (SIL OFL 1.1)
    "cursive": "ComicNeue-Regular.otf",  # Comic Neue, matplotlib's `cursive` family (SIL OFL 1.1)
}
"""Style font key -> file name in `FONT_DIR`."""

FONT_NAMES: tuple[str, ...] = tuple(FONT_FILES)

LAYOUT_ENGINE = ImageFont.Layout.BASIC
"""Pinned so pixels do not depend on whether this Pillow build has libraqm; plain left-to-right text
needs no shaping."""

_NOTDEF_PROBE = "\U0010fffd"
"""A private-use code point no bundled font maps: it renders as the font's .notdef glyph."""


class FontFileMissingError(FileNotFoundError):
    """A bundled font file is absent: the package is incomplete, and substituting a face would lie."""


def font_path(font: str, font_dir: Path = FONT_DIR) -> Path:
    """The file that backs `font`, checked to exist."""
    if font not in FONT_FILES:
        raise ValueError(f"unknown font {font!r}; valid fonts: {', '.join(FONT_NAMES)}")
    path = font_dir / FONT_FILES[font]
    if not path.is_file():
        raise FontFileMissingError(
            f"font file {FONT_FILES[font]!r} for font {font!r} is missing from {font_dir}; "
            "restore it from the repository (renderers/fonts/README.md says where it comes from). "
            "restgate never falls back to system fonts."
        )
    return path


@lru_cache(maxsize=64)
def load_font(font: str, size_px: float, font_dir: Path = FONT_DIR) -> ImageFont.FreeTypeFont:
    """The face `font` at `size_px` pixels (a float: 12 pt at 50 DPI is 8.33 px, not 8).

    Cached because opening a face costs more than laying out a page; Pillow 13 serialises access to one
    FreeType face, so sharing across threads is safe.
    """
    if size_px <= 0:
        raise ValueError(f"font size must be positive, got {size_px} px")
    return ImageFont.truetype(str(font_path(font, font_dir)), size_px, layout_engine=LAYOUT_ENGINE)


def missing_glyphs(text: str, font: str) -> frozenset[str]:
    """Characters of `text` that `font` has no glyph for (they would render as .notdef boxes).

    `render` draws these in the fallback face (renderers/fallback.py) rather than as boxes.
    """
    return frozenset(ch for ch in set(text) if not ch.isspace() and not has_glyph(font, ch))


@lru_cache(maxsize=4096)
def has_glyph(font: str, ch: str) -> bool:
    """Whether `font` maps the single character `ch` to a real glyph (compared with the .notdef drawing)."""
    face = load_font(font, 32.0)
    return _glyph_signature(face, ch) != _glyph_signature(face, _NOTDEF_PROBE)


def _glyph_signature(face: ImageFont.FreeTypeFont, ch: str) -> tuple[tuple[int, int], bytes, float]:
    mask = face.getmask(ch)
    return mask.size, bytes(mask), face.getlength(ch)
