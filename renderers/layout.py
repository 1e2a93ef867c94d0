"""Line breaking: greedy word wrap to a fixed width, measured with the face's own advance widths.

Separate from drawing so that the width guarantee (no line wider than the page) is testable on its own.
"""

from __future__ import annotations

import re
from typing import Protocol

TAB = "    "
"""Tabs become four spaces: Pillow draws a tab as a .notdef box in some faces."""

_TOKENS = re.compile(r"(\s+)")


class Measure(Protocol):
    """What wrapping needs of a face: the advance width of a string (a FreeTypeFont, or a FallbackFace)."""

    def getlength(self, text: str) -> float: ...


def normalise(text: str) -> str:
    """Unify line endings (MMLU has `\\r\\n`) and expand tabs; other characters are drawn as given."""
    return text.replace("\r\n", "\n").replace("\r", "\n").replace("\t", TAB)


def wrap(text: str, font: Measure, width_px: float) -> list[str]:
    """The lines `text` occupies when wrapped greedily to `width_px`.

    Every newline starts a new line and blank lines stay blank. A paragraph's leading indentation is kept;
    whitespace at a break is dropped. A word wider than the page is split between characters rather than
    allowed to overflow. Every returned line satisfies `font.getlength(line) <= width_px`, except a single
    character that is itself wider than the page.
    """
    lines: list[str] = []
    for paragraph in normalise(text).split("\n"):
        lines.extend(_wrap_paragraph(paragraph.rstrip(), font, width_px))
    return lines


def _wrap_paragraph(paragraph: str, font: Measure, width_px: float) -> list[str]:
    if not paragraph:
        return [""]
    if font.getlength(paragraph) <= width_px:  # most lines of equations and options: one measurement
        return [paragraph]
    parts = _TOKENS.split(paragraph)  # alternating word, space, word ...; parts[0] is "" if indented
    lines: list[str] = []
    line = parts[0]
    if line and font.getlength(line) > width_px:
        *full, line = _break_word(line, font, width_px)
        lines.extend(full)
    for i in range(1, len(parts), 2):
        space, word = parts[i], parts[i + 1]
        if not word:
            break
        candidate = line + space + word
        if font.getlength(candidate) <= width_px:
            line = candidate
            continue
        if line.strip():
            lines.append(line)
            line = word
        else:
            line = line + space + word if font.getlength(line + space) <= width_px else word
        if font.getlength(line) > width_px:
            *full, line = _break_word(line, font, width_px)
            lines.extend(full)
    lines.append(line)
    return lines


def _break_word(word: str, font: Measure, width_px: float) -> list[str]:
    """Split an over-wide run into pieces that fit, each holding as many characters as the width allows."""
    pieces: list[str] = []
    rest = word
    while font.getlength(rest) > width_px and len(rest) > 1:
        lo, hi = 1, len(rest) - 1  # largest prefix length that fits, at least 1 character
        while lo < hi:
            mid = (lo + hi + 1) // 2
            if font.getlength(rest[:mid]) <= width_px:
                lo = mid
            else:
                hi = mid - 1
        pieces.append(rest[:lo])
        rest = rest[lo:]
    pieces.append(rest)
    return pieces
