"""Greedy word wrap: lines fit the width, nothing is lost, newlines and blank lines survive."""

from __future__ import annotations

import itertools
import re

from hypothesis import given, settings
from hypothesis import strategies as st

from pytest_restgate.renderers import REST_DEFAULT, geometry, wrap
from pytest_restgate.renderers.typefaces import load_font

FONT = load_font("dejavu", 12 * 100 / 72)
WIDTH = 300.0


def _fits(lines: list[str], width: float = WIDTH) -> bool:
    return all(FONT.getlength(line) <= width or len(line) == 1 for line in lines)


def test_short_text_is_one_line() -> None:
    assert wrap("3A + 2B - C = 17", FONT, WIDTH) == ["3A + 2B - C = 17"]


def test_greedy_wrap_fills_lines() -> None:
    text = " ".join(["word"] * 60)
    lines = wrap(text, FONT, WIDTH)
    assert len(lines) > 3
    assert _fits(lines)
    for line, following in itertools.pairwise(lines):
        first_word = following.split(" ")[0]
        assert FONT.getlength(line + " " + first_word) > WIDTH  # greedy: the next word did not fit


def test_newlines_and_blank_lines_are_kept() -> None:
    assert wrap("a\n\n\nb\n", FONT, WIDTH) == ["a", "", "", "b", ""]
    assert wrap("x\r\n\r\ny", FONT, WIDTH) == ["x", "", "y"]


def test_indentation_kept_and_tabs_expanded() -> None:
    assert wrap("  indented\n\tx", FONT, WIDTH) == ["  indented", "    x"]


def test_long_word_is_broken_by_characters() -> None:
    word = "0123456789" * 20
    lines = wrap(f"start {word} end", FONT, WIDTH)
    assert _fits(lines)
    assert "".join(lines).replace(" ", "") == f"start{word}end"
    assert lines[0] == "start"
    assert all(len(line) > 1 for line in lines)


def test_default_page_lines_fit_its_width() -> None:
    geo = geometry(REST_DEFAULT)
    font = load_font(REST_DEFAULT.font, REST_DEFAULT.size_px)
    text = "Which of the following best explains the observed increase in reaction rate? " * 12
    lines = wrap(text, font, geo.text_width_px)
    assert len(lines) > 5
    assert all(font.getlength(line) <= geo.text_width_px for line in lines)


@settings(max_examples=150, deadline=None)
@given(
    text=st.text(alphabet=st.sampled_from("abcXYZ019=+-? \n\t"), max_size=300),
    width=st.floats(min_value=20, max_value=600),
)
def test_wrap_property_fits_and_loses_nothing(text: str, width: float) -> None:
    lines = wrap(text, FONT, width)
    assert _fits(lines, width)
    assert re.sub(r"\s", "", "".join(lines)) == re.sub(r"\s", "", text)
    assert len(lines) >= text.count("\n") + 1
