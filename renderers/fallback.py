"""Per-character font fallback, so that a page never shows a .notdef box for a character the item has.

Why: Comic Neue (the cursive REST+ face) has Latin glyphs only; an MMLU item with π or → would otherwise be drawn
with empty boxes, and the model would be judged on a question it was never shown. Each character the style's
face lacks is drawn in `FALLBACK_FONT` (DejaVu Sans, the widest bundled face) at the same size, on the same
baseline. The choice is a pure function of the character, so pages stay deterministic. A line with no such
character is measured and drawn exactly as before (one run in the style's face), so plain pages keep their pixels.

`fallback_chars(text, font)` says which characters a page drew in the fallback face (records carry it, the report
counts it); `undrawable_chars(text)` lists characters no bundled face has: items with any are dropped by the
dataset filters, with a counted reason, rather than rendered with boxes.
"""

from __future__ import annotations

from dataclasses import dataclass

from PIL import ImageFont

from pytest_restgate.renderers.typefaces import has_glyph, load_font

FALLBACK_FONT = "dejavu"
"""The face that draws what a style's face lacks: DejaVu Sans covers Greek and the mathematical symbols."""


def _drawn_by_primary(font: str, ch: str) -> bool:
    return ch == " " or font == FALLBACK_FONT or has_glyph(font, ch) or not has_glyph(FALLBACK_FONT, ch)


def fallback_chars(text: str, font: str) -> frozenset[str]:
    """The characters of `text` that a page in `font` draws with `FALLBACK_FONT` (empty for most pages)."""
    if font == FALLBACK_FONT:
        return frozenset()
    return frozenset(ch for ch in set(text) if ch not in "\n\r\t" and not _drawn_by_primary(font, ch))


def undrawable_chars(text: str) -> frozenset[str]:
    """Characters of `text` that no bundled face can draw (the fallback lacks them too): they would be boxes."""
    return frozenset(ch for ch in set(text) if not ch.isspace() and not has_glyph(FALLBACK_FONT, ch))


@dataclass(frozen=True)
class FallbackFace:
    """A style's face plus the fallback face at the same size; measures and splits lines into runs."""

    font: str
    primary: ImageFont.FreeTypeFont
    fallback: ImageFont.FreeTypeFont

    @classmethod
    def load(cls, font: str, size_px: float) -> FallbackFace:
        return cls(font, load_font(font, size_px), load_font(FALLBACK_FONT, size_px))

    def runs(self, line: str) -> list[tuple[str, bool]]:
        """`line` as consecutive (text, drawn_by_fallback) runs; one primary run when nothing falls back."""
        runs: list[tuple[str, bool]] = []
        for ch in line:
            fb = not _drawn_by_primary(self.font, ch)
            if runs and runs[-1][1] == fb:
                runs[-1] = (runs[-1][0] + ch, fb)
            else:
                runs.append((ch, fb))
        return runs

    def getlength(self, text: str) -> float:
        """Advance width of `text`: the primary face's own measure unless a character falls back."""
        runs = self.runs(text)
        if len(runs) <= 1 and not (runs and runs[0][1]):
            return float(self.primary.getlength(text))
        return float(sum((self.fallback if fb else self.primary).getlength(run) for run, fb in runs))
