"""Drawing: text -> a white page of fixed width whose height fits the wrapped lines."""

from __future__ import annotations

import math
from dataclasses import dataclass
from functools import lru_cache

from PIL import Image, ImageDraw

from pytest_restgate.renderers.fallback import FallbackFace
from pytest_restgate.renderers.layout import wrap
from pytest_restgate.renderers.styles import BLACK, RenderStyle
from pytest_restgate.renderers.typefaces import load_font

BACKGROUND = (255, 255, 255)


@dataclass(frozen=True)
class PageGeometry:
    """Pixel geometry of one style's page; every figure is a whole pixel count derived from inches x DPI."""

    margin_px: int
    text_width_px: int
    line_pitch_px: int

    @property
    def page_width_px(self) -> int:
        return self.text_width_px + 2 * self.margin_px

    def page_height_px(self, n_lines: int) -> int:
        return max(n_lines, 1) * self.line_pitch_px + 2 * self.margin_px


def geometry(style: RenderStyle) -> PageGeometry:
    """`style`'s page: margins and text width from inches, line pitch from the face's own metrics."""
    return PageGeometry(
        margin_px=_pixels(style.margin_in, style.dpi),
        text_width_px=_pixels(style.page_width_in, style.dpi),
        line_pitch_px=max(1, math.floor(style.size_px * _line_height_em(style.font) + 0.5)),
    )


@lru_cache(maxsize=8)
def _line_height_em(font: str) -> float:
    """The face's ascent + descent per em, read at a large size so that pixel rounding does not distort it.

    Line pitch then scales linearly with DPI; summing the rounded metrics at 8 px would add up to 2 px.
    """
    reference_px = 1000.0
    ascent, descent = load_font(font, reference_px).getmetrics()
    return (ascent + descent) / reference_px


def _pixels(inches: float, dpi: int) -> int:
    """Inches to whole pixels, halves rounded up (`round` would give 12 px for 0.25 in at 50 DPI, 13 here)."""
    return math.floor(inches * dpi + 0.5)


def render(text: str, style: RenderStyle) -> Image.Image:
    """`text` drawn in `style`: `style.colour` on white, wrapped to the page width.

    The page width is fixed by the style (so that DPI alone sets the glyph size); the height is as many
    lines as the text needs. Same text and style give the same pixels, on every run.

    Black text is drawn on a greyscale ("L") page, colour on an RGB one. Anti-aliased black on white only ever
    has R = G = B, so the L page holds exactly the pixels an RGB page would (`convert("RGB")` gives them back,
    tests/renderers pins the hash of the RGB pixels) in a third of the bytes: drawing takes 40% less time and
    PNG encoding half (8.4 vs 13.9 ms and 9.7 vs 16.3 ms on a 200 DPI page), and the PNG is half the size.
    """
    if style.colour is None:
        raise ValueError(
            f"style {style.name!r} has a per-item colour: resolve it first with style.for_item(item_id)"
        )
    face = FallbackFace.load(style.font, style.size_px)
    geo = geometry(style)
    lines = wrap(text, face, geo.text_width_px)
    size = (geo.page_width_px, geo.page_height_px(len(lines)))
    ink: int | tuple[int, int, int]
    if style.colour == BLACK:
        image, ink = Image.new("L", size, 255), 0
    else:
        image, ink = Image.new("RGB", size, BACKGROUND), style.colour
    draw = ImageDraw.Draw(image)
    baseline = face.primary.getmetrics()[0]
    for i, line in enumerate(lines):
        if not line:
            continue
        y = geo.margin_px + i * geo.line_pitch_px
        x: float = geo.margin_px
        # A character the style's face lacks is drawn in the fallback face on the same baseline (see fallback.py);
        # a line without one is a single run, drawn exactly as before.
        for run, by_fallback in face.runs(line):
            if by_fallback:
                draw.text((x, y + baseline), run, font=face.fallback, fill=ink, anchor="ls")
            else:
                draw.text((x, y), run, font=face.primary, fill=ink, anchor="la")
            x += (face.fallback if by_fallback else face.primary).getlength(run)
    image.info["dpi"] = (style.dpi, style.dpi)
    return image
