"""REST+ coloured text: RER, accuracy and OCR CER per text colour.

Why: the coloured REST+ style gives each item one of six colours (by a hash of its id); pooling them hides a
colour that a model (or the OCR) reads worse. The colour of a unit comes from its records (`colour`, set when
the page was rendered), never from re-deriving it here. restgate's colours are the named hues darkened to a WCAG
contrast of at least 4.5:1 against white, because the paper does not publish its RGB values and pure yellow or
cyan on white would test faint text rather than colour (renderers/styles.py).
"""

from __future__ import annotations

from typing import Any

from pytest_restgate.reports.cells import text_figure as _f
from pytest_restgate.reports.metrics import jsonable, summary, unit_rows
from pytest_restgate.reports.unitrows import as_rows, groups

COLOUR_NOTE = (
    "Each item's text colour is one of six, chosen by a hash of its id. The colours are the named hues darkened "
    "to a contrast ratio of at least 4.5:1 on white (WCAG AA); the paper does not publish its exact RGB values, "
    "so these are restgate's choice, not the paper's."
)
FIGURES: tuple[str, ...] = ("n", "rer", "acc_text", "acc_image", "acc_mixed", "cer_mean", "ocr_exact_share",
                            "ocr_ok_rer", "n_errors")


def colour_table(records: Any, rgb: dict[str, tuple[int, int, int]] | None = None) -> dict[str, Any] | None:
    """colour -> figures over the units rendered in it (records whose `colour` is set); None when none is.
    `records`: record dicts, or a pandas frame of them."""
    by_colour = groups(as_rows(records), "colour")
    if not by_colour:
        return None
    colours = {}
    for name, group in by_colour.items():
        figures = summary(unit_rows(group))
        colours[str(name)] = {"rgb": list(rgb[str(name)]) if rgb and str(name) in rgb else None,
                              **{k: figures.get(k) for k in FIGURES}}
    return jsonable({"note": COLOUR_NOTE, "colours": colours})


def colour_lines(table: dict[str, Any] | None) -> list[str]:
    """The short terminal form: one line, RER and OCR CER per colour."""
    if not table:
        return []
    cells = [f"{name} {_f(c.get('rer'))}/{_f(c.get('cer_mean'))} (n={c.get('n')})"
             for name, c in table["colours"].items()]
    return ["REST+ RER/CER by text colour (darkened to 4.5:1 contrast): " + ", ".join(cells)]
