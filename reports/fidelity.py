"""HTML for what ties a run to the paper: per-colour REST+ figures, glyph fallback, the paper's published figures.

A module of its own so that html.py stays the report's frame; every value comes from summary.json and every
string is escaped.
"""

from __future__ import annotations

from html import escape
from typing import Any

from pytest_restgate.reports.cells import html_cell as _f


def colours_html(table: dict[str, Any] | None) -> str:
    """REST+ coloured text: one row per colour with a swatch, RER, accuracies and OCR CER."""
    if not table:
        return ""
    rows = []
    for name, c in table["colours"].items():
        rgb = c.get("rgb")
        swatch = (f'<span style="display:inline-block;width:12px;height:12px;background:rgb{tuple(rgb)}"></span> '
                  if rgb else "")
        rows.append(f"<tr><td>{swatch}{escape(name)}</td>"
                    + "".join(f"<td>{_f(c.get(k))}</td>" for k in
                              ("n", "rer", "acc_text", "acc_image", "acc_mixed", "cer_mean", "ocr_exact_share"))
                    + "</tr>")
    return ('<h3>REST+ coloured text, per colour</h3><table class="rg-table" id="restgate-colours"><tr><th>colour'
            "</th><th>n</th><th>RER</th><th>acc text</th><th>acc image</th><th>acc mixed</th><th>OCR CER</th>"
            f"<th>OCR exact</th></tr>{''.join(rows)}</table><p class=\"rg-note\">{escape(table['note'])}</p>")


def fallback_html(fallback: dict[str, Any] | None) -> str:
    if not fallback:
        return ""
    styles = ", ".join(f"{escape(s)}: {n}" for s, n in fallback["by_style"].items())
    return (f'<p class="rg-note" id="restgate-fallback">{fallback["units"]} page(s) drew '
            f"{escape(fallback['chars'])} in the fallback face (DejaVu Sans), because the style's face has no glyph "
            f"for them ({styles}); no page shows a box for a character of its item.</p>")


def paper_html(comparison: dict[str, Any] | None) -> str:
    """The paper's RER and CFR beside this run's, with the difference and whether it is inside the interval."""
    if not comparison:
        return ""
    rows = []
    for metric, r in comparison["figures"].items():
        interval = r.get("interval")
        inside = {True: "inside", False: "outside", None: "–"}[r.get("paper_inside_interval")]
        rows.append(f"<tr><td>{metric.upper()}</td><td>{_f(r['paper'])}</td><td>{_f(r['measured'])}</td>"
                    f"<td>{'[' + _f(interval[0]) + ', ' + _f(interval[1]) + ']' if interval else '–'}</td>"
                    f"<td>{_f(r['difference'])}</td><td>{inside}</td></tr>")
    return (f"<h3>Against the paper: {escape(comparison['model'])}</h3>"
            '<table class="rg-table" id="restgate-paper"><tr><th>figure</th><th>paper</th><th>this run</th>'
            "<th>95% interval</th><th>difference</th><th>paper's value</th></tr>"
            f"{''.join(rows)}</table><p class=\"rg-note\">{escape(comparison['figure'])}; "
            f"{escape(comparison['source'])}.</p>")


def fidelity_html(summary: dict[str, Any]) -> str:
    return (colours_html(summary.get("colours")) + fallback_html(summary.get("fallback_glyphs"))
            + paper_html(summary.get("paper_comparison")))
