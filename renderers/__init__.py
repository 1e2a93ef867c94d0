"""Text -> image for REST and REST+: styles, rendering, PNG bytes and their hashes.

Everything here is deterministic: the same text and style give the same PNG bytes, so the same request
always carries the same image (the response cache hashes the decoded bytes, with `RENDERER_VERSION`).
"""

from __future__ import annotations

from PIL import __version__ as _pillow_version
from PIL import features as _features

from pytest_restgate.renderers.canvas import PageGeometry, geometry, render
from pytest_restgate.renderers.encode import (
    data_uri,
    decode_data_uri,
    from_data_uri,
    render_data_uri,
    render_png,
    to_png,
)
from pytest_restgate.renderers.fallback import FALLBACK_FONT, fallback_chars, undrawable_chars
from pytest_restgate.renderers.layout import wrap
from pytest_restgate.renderers.memo import PageMemo, active_page_memo, use_page_memo
from pytest_restgate.renderers.styles import (
    COLOURS,
    REST_DEFAULT,
    REST_PLUS_STYLES,
    STYLE_NAMES,
    RenderStyle,
    colour_for,
    colour_name,
    style_by_name,
)
from pytest_restgate.renderers.typefaces import FONT_DIR, FONT_FILES, FontFileMissingError, has_glyph, missing_glyphs

_LAYOUT_REVISION = "2"
"""Bump when this package's own drawing changes pixels (geometry, wrapping, colours, defaults).

2: characters the style's face lacks are drawn in the fallback face instead of as .notdef boxes (pages of
text every face covers, like all of SoEBench, keep their pixels)."""

RENDERER_VERSION = f"{_LAYOUT_REVISION}+pillow{_pillow_version}+freetype{_features.version('freetype2')}"
"""Part of every response-cache key. Includes Pillow's and FreeType's versions because upgrading either can
move pixels; tests/renderers pins a pixel hash per version so a change without a bump fails."""

__all__ = [
    "COLOURS",
    "FALLBACK_FONT",
    "FONT_DIR",
    "FONT_FILES",
    "RENDERER_VERSION",
    "REST_DEFAULT",
    "REST_PLUS_STYLES",
    "STYLE_NAMES",
    "FontFileMissingError",
    "PageGeometry",
    "PageMemo",
    "RenderStyle",
    "active_page_memo",
    "colour_for",
    "colour_name",
    "data_uri",
    "decode_data_uri",
    "fallback_chars",
    "from_data_uri",
    "geometry",
    "has_glyph",
    "missing_glyphs",
    "render",
    "render_data_uri",
    "render_png",
    "style_by_name",
    "to_png",
    "undrawable_chars",
    "use_page_memo",
    "wrap",
]
