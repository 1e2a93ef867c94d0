"""REST+ aggregates: per style, per font (mean over DPIs), per DPI (mean over fonts), colour, cross-style."""

from __future__ import annotations

import json
from typing import Any

import pandas as pd
import pytest

from pytest_restgate.core.records import StyleFacts
from pytest_restgate.reports.metrics import cross_style, style_table, units


def unit(item: str, gold: str, style: str, text: str | None, image: str | None, mixed: str | None,
         cer: float = 0.0, error: str | None = None) -> list[dict[str, Any]]:
    """The four records of one REST+ unit; the text row is repeated per style, as the suite does."""
    rows = []
    for modality, answer in (("ocr", None), ("text", text), ("image", image), ("mixed", mixed)):
        rows.append({
            "item_id": item, "dataset": "soebench", "style": style, "modality": modality,
            "strategy": "direct", "model": "reference", "gold": gold, "answer": answer,
            "correct": None if modality == "ocr" else answer == gold, "response": "",
            "cer": cer if modality == "ocr" else None, "prompt_tokens": None, "completion_tokens": None,
            "cost_usd": None, "latency_s": 0.0, "cached": True,
            "error": error if modality == "image" else None,
        })
    return rows


def rest_plus_table() -> pd.DataFrame:
    """Two items under five styles.

    RER per style: dejavu-50 1/2, dejavu-200 1/1 (i2 errored), courier-50 0/2, courier-200 1/2,
    colour-200 1/2. OCR exact except dejavu-50/i2 (CER 0.2) and courier-50 (0.1, 0.3).
    """
    table = [
        ("i1", "5", "dejavu-50dpi", "5", "5", "5", 0.0, None),
        ("i1", "5", "dejavu-200dpi", "5", "5", "5", 0.0, None),
        ("i1", "5", "courier-50dpi", "5", "5", "9", 0.1, None),
        ("i1", "5", "courier-200dpi", "5", "5", "5", 0.0, None),
        ("i1", "5", "colour-200dpi", "5", "5", "8", 0.0, None),
        ("i2", "3", "dejavu-50dpi", "3", "4", "3", 0.2, None),
        ("i2", "3", "dejavu-200dpi", "3", "3", "3", 0.0, "HTTP 500"),
        ("i2", "3", "courier-50dpi", "3", None, "3", 0.3, None),
        ("i2", "3", "courier-200dpi", "3", "2", "3", 0.0, None),
        ("i2", "3", "colour-200dpi", "3", "3", "3", 0.0, None),
    ]
    return pd.DataFrame([r for row in table for r in unit(*row)])


FACTS: dict[str, StyleFacts] = {
    "dejavu-50dpi": StyleFacts(font="dejavu", dpi=50, coloured=False),
    "dejavu-200dpi": StyleFacts(font="dejavu", dpi=200, coloured=False),
    "courier-50dpi": StyleFacts(font="courier", dpi=50, coloured=False),
    "courier-200dpi": StyleFacts(font="courier", dpi=200, coloured=False),
    "colour-200dpi": StyleFacts(font="dejavu", dpi=200, coloured=True),
}
"""What the run info says of each style (the fixtures plugin builds it from the RenderStyles)."""


def test_font_and_dpi_come_from_the_facts_not_the_name() -> None:
    renamed = rest_plus_table().replace({"style": {"courier-50dpi": "small-mono"}})
    t = style_table(renamed, {**FACTS, "small-mono": FACTS["courier-50dpi"]})
    assert (t["styles"]["small-mono"]["font"], t["styles"]["small-mono"]["dpi"]) == ("courier", 50)
    assert t["fonts"]["courier"]["dpis"] == [50, 200]
    unknown = style_table(rest_plus_table(), {})
    assert all(s["font"] is None for s in unknown["styles"].values()) and unknown["fonts"] == {}


def test_per_style_figures() -> None:
    t = style_table(rest_plus_table(), FACTS)
    rer = {name: s["rer"] for name, s in t["styles"].items()}
    assert rer == {"colour-200dpi": 0.5, "courier-200dpi": 0.5, "courier-50dpi": 0.0,
                   "dejavu-200dpi": 1.0, "dejavu-50dpi": 0.5}
    assert t["styles"]["dejavu-200dpi"]["n_errors"] == 1
    assert t["styles"]["courier-50dpi"]["ocr_ok_rer"] is None  # no exact OCR under that style
    assert t["styles"]["courier-50dpi"]["cer_mean"] == pytest.approx(0.2)
    colour = t["styles"]["colour-200dpi"]
    assert (colour["font"], colour["dpi"], colour["coloured"]) == ("dejavu", 200, True)


def test_font_and_dpi_averages_are_means_of_styles_not_pooled_units() -> None:
    t = style_table(rest_plus_table(), FACTS)
    dejavu, courier = t["fonts"]["dejavu"], t["fonts"]["courier"]
    assert dejavu["rer"] == pytest.approx((0.5 + 1.0) / 2)  # pooled units would give 2/3
    assert courier["rer"] == pytest.approx((0.0 + 0.5) / 2)
    assert (dejavu["dpis"], dejavu["n_groups"], dejavu["n_units"]) == ([50, 200], 2, 4)
    assert dejavu["ocr_ok_rer"] == 1.0
    assert courier["ocr_ok_rer"] == 0.5  # courier-50 has no OCR-exact unit and is skipped
    assert courier["cer_mean"] == pytest.approx((0.2 + 0.0) / 2)
    dpi50, dpi200 = t["dpis"]["50"], t["dpis"]["200"]
    assert dpi50["rer"] == pytest.approx(0.25) and dpi50["fonts"] == ["courier", "dejavu"]
    assert dpi200["rer"] == pytest.approx(0.75)  # the coloured style is not averaged in (it would give 2/3)
    assert dpi50["cer_mean"] == pytest.approx((0.1 + 0.2) / 2)
    assert dpi200["ocr_ok_rer"] == pytest.approx(0.75)


def test_colour_is_compared_with_its_black_twin() -> None:
    colour = style_table(rest_plus_table(), FACTS)["colour"]
    assert colour["coloured_styles"] == ["colour-200dpi"] and colour["black_styles"] == ["dejavu-200dpi"]
    assert (colour["coloured"]["rer"], colour["coloured"]["n"]) == (0.5, 2)
    assert (colour["black"]["rer"], colour["black"]["n"], colour["black"]["n_errors"]) == (1.0, 1, 1)


def test_heatmap_grid() -> None:
    grid = style_table(rest_plus_table(), FACTS)["grid"]
    assert (grid["fonts"], grid["dpis"]) == (["courier", "dejavu"], [50, 200])
    assert grid["rer"] == [[0.0, 0.5], [0.5, 1.0]]
    assert grid["ocr_ok_rer"] == [[None, 0.5], [1.0, 1.0]]
    assert grid["cer_mean"] == [[pytest.approx(0.2), 0.0], [pytest.approx(0.1), 0.0]]


def test_cross_style_in_the_style_table_excludes_items_with_an_error() -> None:
    cross = style_table(rest_plus_table(), FACTS)["cross_style"]
    assert (cross["n_items"], cross["n_errors"], cross["n"]) == (2, 1, 1)
    # i2 has an error; i1's image answer is 5 under every style: consistent and solved under all.
    assert (cross["consistency"], cross["mmc"], cross["n_cfr"], cross["cfr"]) == (1.0, 1.0, 1, 0.0)


def test_cross_style_consistency_and_cfr() -> None:
    styles = ("dejavu-50dpi", "courier-100dpi", "cursive-200dpi")
    image = {
        "a": ("1", ["1", "1", "1"]),  # same, right everywhere
        "b": ("2", ["3", "3", "3"]),  # same, wrong everywhere: consistent, not counted by CFR
        "c": ("4", ["4", None, "4"]),  # differs: solved under one style, not all -> counts for CFR
        "d": ("5", [None, None, None]),  # unparsed never equals unparsed
    }
    rows = [r for item, (gold, answers) in image.items()
            for style, answer in zip(styles, answers, strict=True)
            for r in unit(item, gold, style, gold, answer, gold,
                          cer=0.1 if (item, style) == ("c", "cursive-200dpi") else 0.0)]
    rows += unit("e", "6", "dejavu-50dpi", "6", "6", "6")  # one style only: not counted
    cross = cross_style(units(pd.DataFrame(rows)))
    assert (cross["n_items"], cross["n_single_style"], cross["n"]) == (5, 1, 4)
    assert cross["consistency"] == 0.5
    assert cross["mmc"] == 0.5
    assert (cross["n_cfr"], cross["cfr"]) == (2, 0.5)
    # OCR exact under every style: a, b, d (c misread once).
    assert (cross["ocr_ok_n"], cross["ocr_ok_consistency"]) == (3, pytest.approx(2 / 3))
    assert (cross["ocr_ok_n_cfr"], cross["ocr_ok_cfr"]) == (1, 0.0)
    assert cross_style(units(pd.DataFrame(rows)), modality="mixed")["consistency"] == 1.0


def test_style_table_is_json_ready_and_handles_odd_inputs() -> None:
    json.dumps(style_table(rest_plus_table(), FACTS), allow_nan=False)
    empty = style_table(pd.DataFrame(), FACTS)
    assert empty["styles"] == {} and empty["colour"] is None and empty["cross_style"]["n"] == 0
    assert empty["cross_style"]["consistency"] is None
    single = style_table(pd.DataFrame(unit("i1", "1", "rest", "1", "1", "1")), FACTS)
    assert single["styles"]["rest"]["font"] is None and single["fonts"] == {}
    json.dumps(single, allow_nan=False)
