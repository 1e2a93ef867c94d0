"""Rendering styles: the REST default and the 10 REST+ variations, plus the per-item text colour.

A style is a value (frozen dataclass) so that it can key caches and travel in test ids by its `name`.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, replace

from pytest_restgate.renderers.typefaces import FONT_NAMES

RGB = tuple[int, int, int]

BLACK: RGB = (0, 0, 0)

COLOURS: dict[str, RGB] = {
    "red": (220, 0, 0),
    "green": (0, 130, 0),
    "blue": (0, 0, 255),
    "cyan": (0, 128, 128),
    "magenta": (200, 0, 200),
    "yellow": (136, 112, 0),
}
"""The six text colours of the coloured REST+ variant, in the order `colour_for` indexes them.

Pure red, green, cyan, magenta and yellow are too light on white: (255, 255, 0) has a contrast ratio of
1.07:1 and pure cyan 1.25:1, so a model would be tested on faint text rather than on colour. Each value here
is the named hue (HSV hue within 11 degrees of the pure one: red 0, green 120, blue 240, cyan 180,
magenta 300; yellow is a dark gold at 49 degrees, because yellow darkened at exactly 60 degrees reads as
olive) darkened until its WCAG contrast ratio against white is at least 4.5:1, the AA level for body text.
Pure blue already passes (8.6:1) and is kept. tests/renderers checks hue and contrast from these values.
"""


@dataclass(frozen=True)
class RenderStyle:
    """How text becomes pixels: face, resolution, colour, size and page geometry.

    `colour=None` means "the item's own colour" (the coloured REST+ variant); resolve it with `for_item`
    before rendering. The page is `page_width_in` of text plus `margin_in` on every side; its height
    follows the content.
    """

    name: str
    font: str
    dpi: int
    colour: RGB | None = BLACK
    size_pt: float = 12.0
    page_width_in: float = 6.5
    margin_in: float = 0.25

    def __post_init__(self) -> None:
        if not self.name:
            raise ValueError("a RenderStyle needs a name")
        if self.font not in FONT_NAMES:
            raise ValueError(f"style {self.name!r}: unknown font {self.font!r}; valid fonts: {FONT_NAMES}")
        if self.dpi <= 0 or self.size_pt <= 0 or self.page_width_in <= 0 or self.margin_in < 0:
            raise ValueError(
                f"style {self.name!r}: dpi, size_pt, page_width_in must be positive, margin_in >= 0"
            )
        if self.colour is not None and (len(self.colour) != 3 or any(not 0 <= c <= 255 for c in self.colour)):
            raise ValueError(f"style {self.name!r}: colour must be an (r, g, b) triple in 0..255")

    @property
    def size_px(self) -> float:
        """Font size in pixels: pt * dpi / 72, kept fractional so glyph size scales linearly with DPI."""
        return self.size_pt * self.dpi / 72

    def for_item(self, item_id: str) -> RenderStyle:
        """This style with a per-item colour resolved (`colour=None` -> `colour_for(item_id)`); else self."""
        if self.colour is not None:
            return self
        return replace(self, colour=colour_for(item_id))


def colour_for(item_id: str) -> RGB:
    """The item's text colour: sha256 of its id picks one of `COLOURS`, the same on every machine and run."""
    digest = hashlib.sha256(item_id.encode("utf-8")).digest()
    names = tuple(COLOURS)
    return COLOURS[names[int.from_bytes(digest[:8], "big") % len(names)]]


def colour_name(colour: RGB | None) -> str | None:
    """The name of `colour` in `COLOURS` ("red", ...), or None for black and any other colour."""
    for name, rgb in COLOURS.items():
        if rgb == colour:
            return name
    return None


REST_DEFAULT = RenderStyle(name="dejavu-200dpi", font="dejavu", dpi=200)
"""REST's rendering: DejaVu Sans 12 pt, 200 DPI, black on white."""

REST_PLUS_DPIS: tuple[int, ...] = (50, 100, 200)

REST_PLUS_STYLES: tuple[RenderStyle, ...] = (
    *(
        RenderStyle(name=f"{font}-{dpi}dpi", font=font, dpi=dpi)
        for font in ("dejavu", "courier", "cursive")
        for dpi in REST_PLUS_DPIS
    ),
    RenderStyle(name="colour-200dpi", font="dejavu", dpi=200, colour=None),
)
"""REST+'s 10 renderings: {DejaVu Sans, Liberation Mono, Comic Neue} x {50, 100, 200 DPI}, plus DejaVu Sans at
200 DPI in the item's colour. `dejavu-200dpi` equals `REST_DEFAULT`."""

_BY_NAME: dict[str, RenderStyle] = {s.name: s for s in (REST_DEFAULT, *REST_PLUS_STYLES)}


def style_by_name(name: str) -> RenderStyle:
    """The REST or REST+ style called `name` (as used in test ids and command-line options)."""
    try:
        return _BY_NAME[name]
    except KeyError:
        raise ValueError(f"unknown render style {name!r}; valid names: {', '.join(_BY_NAME)}") from None


STYLE_NAMES: tuple[str, ...] = tuple(_BY_NAME)
