"""The live report's one chart, grouped bars with interval whiskers, written as SVG by hand.

Why not matplotlib (reports/many/charts.py draws the many-run pages with it): importing matplotlib costs about
0.5 s of CPU at the end of every run, a sixth of a warm rerun, for four bars per dataset on a 0-1 scale. The
drawing matches those pages: the same colours, a zero drawn as a labelled sliver (a bar of height 0 is
invisible), a missing figure left blank, y grid at every 0.2, legend at the right.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from html import escape
from typing import Any

from pytest_restgate.reports.many.charts import ZERO_HEIGHT, Series  # the many-run pages' chart (matplotlib inside)

TOP, BOTTOM, LEFT, LEGEND = 28.0, 40.0, 38.0, 110.0
"""Margins in px: title above, category labels below, y ticks on the left, legend on the right."""
PLOT_HEIGHT = 180.0
BAR_SLOT = 32.0
"""Width of one bar's slot in px; a group is one slot per series plus a gap of one slot."""
Y_MAX = 1.05


def _y(value: float) -> float:
    return TOP + PLOT_HEIGHT * (1.0 - min(max(value, 0.0), Y_MAX) / Y_MAX)


def _grid(right: float) -> list[str]:
    parts = []
    for tick in (0.0, 0.2, 0.4, 0.6, 0.8, 1.0):
        y = _y(tick)
        parts.append(f'<line x1="{LEFT:.0f}" x2="{right:.0f}" y1="{y:.1f}" y2="{y:.1f}" stroke="#e5e5e5"/>'
                     f'<text x="{LEFT - 4:.0f}" y="{y + 3:.1f}" text-anchor="end">{tick:.1f}</text>')
    return parts


def _bar(x: float, width: float, value: Any, colour: str, ci: tuple[float, float] | None) -> list[str]:
    if value is None:  # not measured: nothing drawn
        return []
    y_value = float(value)
    top = _y(ZERO_HEIGHT if y_value == 0.0 else y_value)
    parts = [f'<rect x="{x:.1f}" y="{top:.1f}" width="{width:.1f}" height="{_y(0.0) - top:.1f}" fill="{colour}">'
             f'<title>{y_value:.3f}</title></rect>']
    if y_value == 0.0:
        parts.append(f'<text x="{x + width / 2:.1f}" y="{top - 3:.1f}" text-anchor="middle">0</text>')
    if ci is not None:
        mid, low, high = x + width / 2, _y(min(ci[0], y_value)), _y(max(ci[1], y_value))
        parts.append(f'<path d="M{mid:.1f} {low:.1f}V{high:.1f}M{mid - 2:.1f} {low:.1f}h4M{mid - 2:.1f} {high:.1f}h4"'
                     ' stroke="#222" stroke-width="0.8" fill="none"/>')
    return parts


def grouped_bars(groups: Mapping[str, Mapping[str, Any]], series: Sequence[Series], *, title: str,
                 errors: Mapping[str, Mapping[str, tuple[float, float] | None]] | None = None) -> str:
    """One cluster of bars per group (dataset), one bar per series, with optional 95% interval whiskers."""
    names = list(groups)
    group_width = BAR_SLOT * (len(series) + 1)
    right = LEFT + group_width * max(1, len(names))
    width, height = right + LEGEND, TOP + PLOT_HEIGHT + BOTTOM
    parts = [f'<text x="{LEFT:.0f}" y="16" font-size="12">{escape(title)}</text>', *_grid(right)]
    for i, name in enumerate(names):
        start = LEFT + i * group_width + BAR_SLOT / 2
        for j, (key, _label, colour) in enumerate(series):
            ci = (errors or {}).get(name, {}).get(key)
            parts += _bar(start + j * BAR_SLOT + 1, BAR_SLOT - 2, groups[name].get(key), colour, ci)
        parts.append(f'<text x="{start + BAR_SLOT * len(series) / 2:.1f}" y="{TOP + PLOT_HEIGHT + 16:.0f}" '
                     f'text-anchor="middle">{escape(name)}</text>')
    parts.append(f'<line x1="{LEFT:.0f}" x2="{LEFT:.0f}" y1="{TOP:.0f}" y2="{_y(0.0):.1f}" stroke="#444"/>')
    legend_x = right + 8
    for j, (_key, label, colour) in enumerate(series):
        y = TOP + 6 + 18 * j
        parts.append(f'<rect x="{legend_x:.0f}" y="{y:.0f}" width="12" height="10" fill="{colour}"/>'
                     f'<text x="{legend_x + 18:.0f}" y="{y + 9:.0f}">{escape(label)}</text>')
    return (f'<svg xmlns="http://www.w3.org/2000/svg" role="img" aria-label="{escape(title)}" width="{width:.0f}" '
            f'height="{height:.0f}" viewBox="0 0 {width:.0f} {height:.0f}" font-family="sans-serif" font-size="11">'
            + "".join(parts) + "</svg>")


__all__ = ["grouped_bars"]
