"""Per-colour REST+ figures, the paper's published figures beside a run's, and where they are shown."""

from __future__ import annotations

import time

import pandas as pd
import pytest

from pytest_restgate.reports import html, terminal
from pytest_restgate.reports.collector import Outcomes
from pytest_restgate.reports.colours import colour_table
from pytest_restgate.reports.paper import compare, paper_model, published
from pytest_restgate.reports.summary import build_summary
from tests.reports.test_figures import SAME, SPLIT, hand_summary, unit


def coloured_records() -> list[dict[str, object]]:
    """red: two units, one inconsistent, OCR CER 0 and 0.1; blue: one consistent unit read exactly."""
    return [*unit("s/1", "soebench", SAME, 0.0, "red", "colour-200dpi"),
            *unit("s/2", "soebench", SPLIT, 0.1, "red", "colour-200dpi"),
            *unit("s/3", "soebench", SAME, 0.0, "blue", "colour-200dpi"),
            *unit("s/1", "soebench", SAME, 0.0, None, "dejavu-200dpi")]


def test_per_colour_rer_accuracy_and_cer_by_hand() -> None:
    table = colour_table(pd.DataFrame(coloured_records()), {"red": (220, 0, 0), "blue": (0, 0, 255)})
    assert table is not None and set(table["colours"]) == {"red", "blue"}
    red, blue = table["colours"]["red"], table["colours"]["blue"]
    assert (red["n"], red["rer"], red["acc_image"], red["acc_text"]) == (2, 0.5, 0.5, 1.0)
    assert red["cer_mean"] == pytest.approx(0.05) and red["rgb"] == [220, 0, 0]
    assert (blue["n"], blue["rer"], blue["cer_mean"]) == (1, 1.0, 0.0)
    assert "4.5:1" in table["note"] and "not publish" in table["note"]


def test_black_runs_have_no_colour_table() -> None:
    frame = pd.DataFrame(unit("s/1", "soebench", SAME, 0.0))
    assert colour_table(frame) is None


def test_colours_reach_the_summary_terminal_and_html() -> None:
    doc = build_summary(coloured_records(), Outcomes(), {"model": "m"}, primary_strategy="direct",
                        started=time.time())
    assert set(doc["colours"]["colours"]) == {"red", "blue"}
    assert doc["colours"]["colours"]["red"]["rgb"] == [220, 0, 0]  # renderers.COLOURS
    lines = terminal.summary_lines(doc, [], None, "/tmp/run")
    assert any(line.startswith("REST+ RER/CER by text colour (darkened to 4.5:1 contrast): blue 1.000/0.000")
               for line in lines)
    page = html.summary_html(doc, [], None)
    assert 'id="restgate-colours"' in page and "darkened" in page


def test_the_published_figures_file_names_eight_models_in_percent() -> None:
    data = published()
    assert data["subset"] == "ocr-correct" and data["mean"] == "datasets" and data["units"] == "percent"
    assert len(data["models"]) == 8
    assert {m["name"]: (m["rer"], m["cfr"]) for m in data["models"]}["GPT-5-mini"] == (90.7, 8.7)


@pytest.mark.parametrize(("names", "expected"), [
    (("gpt-5-mini", "gpt-5-mini-2025-08-07"), "GPT-5-mini"),
    (("claude-haiku-4.5", "claude-haiku-4-5-20251001"), "Claude Haiku 4.5"),
    ((None, "gemini/gemini-2.5-flash-lite"), "Gemini 2.5 Flash Lite"),
    (("openai/InternVL3-14B",), "InternVL3-14B"),
    (("reference", "reference/rest-reference-v1"), None),
    (("gpt-5", "gpt-5-2025-08-07"), None),
    (("qwen2.5-vl-72b",), None),
])
def test_a_run_is_matched_to_the_paper_model_by_alias_or_id(names: tuple[str | None, ...],
                                                             expected: str | None) -> None:
    model = paper_model(*names)
    assert (model["name"] if model else None) == expected


def test_the_comparison_gives_difference_and_whether_the_paper_lies_inside_the_interval() -> None:
    figure = {"rer": 0.88, "cfr": 0.2, "intervals": {"rer": [0.85, 0.91], "cfr": [0.15, 0.25]}}
    result = compare(figure, "gpt-5-mini")
    assert result is not None and result["model"] == "GPT-5-mini"
    rer, cfr = result["figures"]["rer"], result["figures"]["cfr"]
    assert rer["paper"] == pytest.approx(0.907) and rer["difference"] == pytest.approx(0.88 - 0.907)
    assert rer["paper_inside_interval"] is True
    assert cfr["paper"] == pytest.approx(0.087) and cfr["paper_inside_interval"] is False
    assert compare(figure, "reference") is None


def test_a_paper_model_run_shows_the_comparison_in_terminal_and_html() -> None:
    doc = hand_summary(model="claude-haiku-4.5")
    comparison = doc["paper_comparison"]
    assert comparison["model"] == "Claude Haiku 4.5"
    assert comparison["figures"]["rer"]["measured"] == pytest.approx(doc["metrics"]["paper"]["rer"])
    lines = terminal.summary_lines(doc, [], None, "/tmp/run")
    assert "paper (Claude Haiku 4.5, OCR-correct subset, mean over datasets) vs this run:" in lines
    assert any(line.startswith("  RER paper 0.903, measured 0.833 [") and "difference -0.070" in line
               for line in lines)
    assert any(line.startswith("paper (OCR-ok, ds mean)") for line in lines)
    page = html.summary_html(doc, [], None)
    assert 'id="restgate-paper"' in page and "Against the paper: Claude Haiku 4.5" in page
    assert "Modality tests within this run (paired over items)" in page


def test_the_per_run_modality_test_is_labelled_as_within_this_run() -> None:
    doc = hand_summary()
    assert doc["modality_tests_scope"] == "within this run (paired over items)"
    lines = terminal.summary_lines(doc, [], None, "/tmp/run")
    assert any(line.startswith("modality tests within this run (paired over items): text vs image diff +0.400")
               for line in lines)
    assert doc["paper_comparison"] is None


def test_a_figure_with_nothing_measured_says_so_in_one_plain_clause() -> None:
    from pytest_restgate.reports.paper import comparison_lines

    row = {"paper": 0.713, "measured": None, "difference": None, "interval": None, "paper_inside_interval": None}
    lines = comparison_lines({"model": "GPT-4o-mini", "figures": {"rer": row}})
    assert lines[1] == "  RER paper 0.713, measured -; nothing measured to compare it with"
