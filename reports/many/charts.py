"""Charts as inline SVG from matplotlib, for self-contained pages (no script, no image file).

matplotlib is imported inside each function, so importing this module costs nothing: only the process that
writes a page pays for it (the controller at the end of a run, or the `restgate` command). Figures are made
with `matplotlib.figure.Figure` and the SVG canvas directly, never pyplot, so no global backend or window is
involved (the effect of the Agg backend, without touching the process's backend choice).
"""

from __future__ import annotations

import io
from collections.abc import Mapping, Sequence
from html import escape
from typing import Any

COLOURS = {"text": "#4c72b0", "image": "#dd8452", "mixed": "#55a868", "rer": "#8172b3", "cfr": "#c44e52",
           "mmc": "#937860", "reference": "#bbbbbb"}
Series = tuple[str, str, str]
"""(key in each group's figures, legend label, colour)."""


def _figure(width: float, height: float) -> Any:
    import matplotlib
    from matplotlib.figure import Figure

    # text.parse_math off: labels are model and dataset names, and a name with `$...$` in it was parsed as
    # mathtext (a run named `x $\frac{$` stopped `restgate leaderboard` with a ValueError)
    matplotlib.rcParams.update({"svg.fonttype": "none", "svg.hashsalt": "restgate", "font.size": 9,
                                "font.family": "sans-serif", "text.parse_math": False})
    fig = Figure(figsize=(width, height), dpi=100, layout="constrained")
    return fig


def _svg(fig: Any, label: str) -> str:
    from matplotlib.backends.backend_svg import FigureCanvasSVG

    FigureCanvasSVG(fig)
    buffer = io.StringIO()
    fig.savefig(buffer, format="svg", metadata={"Date": None})
    text = buffer.getvalue()
    svg = text[text.index("<svg"):]
    return svg.replace("<svg ", f'<svg role="img" aria-label="{escape(label)}" ', 1)


def grouped_bars(groups: Mapping[str, Mapping[str, Any]], series: Sequence[Series], *, title: str,
                 errors: Mapping[str, Mapping[str, tuple[float, float] | None]] | None = None) -> str:
    """One cluster of bars per group (dataset, model), one bar per series, with optional interval whiskers."""
    names = list(groups)
    fig = _figure(max(4.0, 1.0 + 0.45 * len(series) * max(1, len(names))), 2.8)
    ax = fig.add_subplot()
    width = 0.8 / max(1, len(series))
    for j, (key, label, colour) in enumerate(series):
        xs = [i + (j - (len(series) - 1) / 2) * width for i in range(len(names))]
        ys = [float(groups[n].get(key) or 0.0) for n in names]
        ax.bar(xs, ys, width * 0.92, label=label, color=colour)
        _mark_zeros(ax, xs, [groups[n].get(key) for n in names], width * 0.92, colour)
        if errors is not None:
            for x, n, y in zip(xs, names, ys, strict=True):
                ci = (errors.get(n) or {}).get(key)
                if ci is not None:
                    ax.errorbar([x], [y], yerr=[[max(0.0, y - ci[0])], [max(0.0, ci[1] - y)]], fmt="none",
                                ecolor="#222", elinewidth=0.8, capsize=2)
    ax.set_xticks(range(len(names)), names, rotation=20 if len(names) > 3 else 0, ha="right"
                  if len(names) > 3 else "center")
    ax.set_ylim(0, 1.05)
    ax.set_title(title, loc="left", fontsize=10)
    ax.grid(axis="y", color="#e5e5e5")
    ax.set_axisbelow(True)
    ax.spines[["top", "right"]].set_visible(False)
    ax.legend(loc="upper left", bbox_to_anchor=(1.0, 1.0), frameon=False)
    return _svg(fig, title)


ZERO_HEIGHT = 0.016
"""A zero bar is drawn as a sliver this tall (axis units, 0-1.05) with a "0" above: a bar of height 0 is
invisible, and a chart of zero accuracies showed only interval whiskers."""


def _mark_zeros(ax: Any, xs: Sequence[float], values: Sequence[Any], width: float, colour: str) -> None:
    """A measured 0 gets its sliver and label; a missing figure (None) stays blank."""
    for x, y in zip(xs, values, strict=True):
        if y is not None and float(y) == 0.0:
            ax.bar([x], [ZERO_HEIGHT], width, color=colour, edgecolor="#222", linewidth=0.6)
            ax.text(x, ZERO_HEIGHT + 0.01, "0", ha="center", va="bottom", fontsize=7, color="#222", zorder=5,
                    bbox={"facecolor": "white", "edgecolor": "none", "pad": 0.6})  # readable over a whisker


def ranked_bars(rows: Sequence[tuple[str, float | None, tuple[float, float] | None, bool]], *, title: str,
                xlabel: str) -> str:
    """Horizontal bars, best first: (label, value, interval or None, is a reference row drawn grey, hatched)."""
    fig = _figure(7.5, 0.8 + 0.28 * max(3, len(rows)))
    ax = fig.add_subplot()
    labels = [r[0] for r in rows][::-1]
    values = [float(r[1] or 0.0) for r in rows][::-1]
    refs = [r[3] for r in rows][::-1]
    colours = [COLOURS["reference"] if ref else COLOURS["rer"] for ref in refs]
    bars = ax.barh(range(len(rows)), values, color=colours)
    for bar, ref in zip(bars, refs, strict=True):
        if ref:
            bar.set_hatch("//")
            bar.set_edgecolor("#888")
    for y, r in enumerate(rows[::-1]):
        if r[2] is not None:
            v = float(r[1] or 0.0)
            ax.errorbar([v], [y], xerr=[[max(0.0, v - r[2][0])], [max(0.0, r[2][1] - v)]], fmt="none",
                        ecolor="#222", elinewidth=0.8, capsize=2)
        right = max(float(r[1] or 0.0), r[2][1] if r[2] is not None else 0.0)
        ax.text(right + 0.015, y, "–" if r[1] is None else f"{float(r[1]):.3f}", va="center", fontsize=8)
    ax.set_yticks(range(len(rows)), labels)
    ax.set_xlim(0, 1.15)
    ax.set_xlabel(xlabel)
    ax.set_title(title, loc="left", fontsize=10)
    ax.grid(axis="x", color="#e5e5e5")
    ax.set_axisbelow(True)
    ax.spines[["top", "right"]].set_visible(False)
    return _svg(fig, title)


def trend_lines(points: Sequence[tuple[str, Mapping[str, Any]]], series: Sequence[Series], *, title: str) -> str:
    """Figures over successive runs (x = run, in time order), one line per series; gaps where undefined."""
    fig = _figure(max(7.5, 2.5 + 0.8 * len(points)), 3.6)
    ax = fig.add_subplot()
    xs = list(range(len(points)))
    for key, label, colour in series:
        ys = [float(p[key]) if p.get(key) is not None else float("nan") for _, p in points]
        ax.plot(xs, ys, marker="o", label=label, color=colour)
    ax.set_xticks(xs, [p[0] for p in points], rotation=25 if len(points) > 2 else 0,
                  ha="right" if len(points) > 2 else "center")
    ax.set_ylim(-0.02, 1.05)
    ax.set_title(title, loc="left", fontsize=10)
    ax.grid(color="#e5e5e5")
    ax.spines[["top", "right"]].set_visible(False)
    ax.legend(loc="upper left", bbox_to_anchor=(1.0, 1.0), frameon=False)
    return _svg(fig, title)
