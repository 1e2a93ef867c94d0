"""How one figure is written in a table cell: the HTML pages' and the terminal's single formatters.

Why a module of its own: the run report, the fidelity and noise sections, the many-runs pages and the
representation page all show figures the same way, and each of them is imported by html.py or imports it.
"""

from __future__ import annotations

from html import escape
from typing import Any


def html_cell(value: Any, digits: int = 3) -> str:
    """A figure for an HTML cell: `digits` decimals for a float, an en dash for missing, other values escaped."""
    if value is None:
        return "–"
    if isinstance(value, float):
        return f"{value:.{digits}f}"
    return escape(str(value))


def text_figure(value: float | None, digits: int = 3) -> str:
    """A figure for a terminal line: `digits` decimals, a hyphen for missing."""
    return "-" if value is None else f"{value:.{digits}f}"


__all__ = ["html_cell", "text_figure"]
