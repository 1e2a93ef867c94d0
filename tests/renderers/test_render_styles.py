"""The REST/REST+ style catalogue and the per-item colour."""

from __future__ import annotations

import colorsys
import itertools

import pytest

from pytest_restgate import renderers
from pytest_restgate.renderers import COLOURS, REST_DEFAULT, REST_PLUS_STYLES, RenderStyle, colour_for, style_by_name

NOMINAL_HUE = {"red": 0, "yellow": 60, "green": 120, "cyan": 180, "blue": 240, "magenta": 300}


def _relative_luminance(rgb: tuple[int, int, int]) -> float:
    def linear(c: int) -> float:
        s = c / 255
        return s / 12.92 if s <= 0.04045 else ((s + 0.055) / 1.055) ** 2.4

    r, g, b = (linear(c) for c in rgb)
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def _contrast_on_white(rgb: tuple[int, int, int]) -> float:
    return 1.05 / (_relative_luminance(rgb) + 0.05)


def test_rest_default_is_dejavu_200dpi_black() -> None:
    assert (REST_DEFAULT.name, REST_DEFAULT.font, REST_DEFAULT.dpi) == ("dejavu-200dpi", "dejavu", 200)
    assert REST_DEFAULT.colour == (0, 0, 0)
    assert REST_DEFAULT.size_px == pytest.approx(12 * 200 / 72)


def test_rest_plus_has_the_ten_named_styles() -> None:
    expected = {f"{f}-{d}dpi" for f in ("dejavu", "courier", "cursive") for d in (50, 100, 200)}
    names = [s.name for s in REST_PLUS_STYLES]
    assert len(names) == 10
    assert set(names) == expected | {"colour-200dpi"}
    for style in REST_PLUS_STYLES:
        if style.name == "colour-200dpi":
            assert (style.font, style.dpi, style.colour) == ("dejavu", 200, None)
        else:
            font, dpi = style.name.removesuffix("dpi").split("-")
            assert (style.font, style.dpi, style.colour) == (font, int(dpi), (0, 0, 0))


def test_rest_plus_styles_are_distinct_values() -> None:
    keys = {(s.font, s.dpi, s.colour) for s in REST_PLUS_STYLES}
    assert len(keys) == len(REST_PLUS_STYLES)
    assert REST_DEFAULT in REST_PLUS_STYLES  # dejavu-200dpi is both


def test_style_by_name_finds_every_style() -> None:
    for style in (REST_DEFAULT, *REST_PLUS_STYLES):
        assert style_by_name(style.name) == style
    assert set(renderers.STYLE_NAMES) == {s.name for s in REST_PLUS_STYLES}


def test_style_by_name_typo_lists_valid_names() -> None:
    with pytest.raises(ValueError, match="unknown render style 'dejavu-200'") as info:
        style_by_name("dejavu-200")
    for style in REST_PLUS_STYLES:
        assert style.name in str(info.value)


@pytest.mark.parametrize(
    "kwargs",
    [
        {"font": "comic"},
        {"dpi": 0},
        {"size_pt": -1.0},
        {"page_width_in": 0.0},
        {"margin_in": -0.1},
        {"colour": (0, 0, 256)},
        {"colour": (0, 0)},
    ],
)
def test_bad_style_values_are_rejected(kwargs: dict[str, object]) -> None:
    base: dict[str, object] = {"name": "x", "font": "dejavu", "dpi": 100}
    with pytest.raises(ValueError):
        RenderStyle(**{**base, **kwargs})  # type: ignore[arg-type]


def test_colour_for_is_deterministic_and_uses_all_six() -> None:
    ids = [f"soebench/{i:04d}" for i in range(300)]
    first = [colour_for(i) for i in ids]
    assert first == [colour_for(i) for i in ids]
    assert set(first) == set(COLOURS.values())
    counts = [first.count(c) for c in COLOURS.values()]
    assert min(counts) > 300 / 6 / 2  # a hash, not a constant or a skewed pick


def test_colour_for_matches_sha256_rule() -> None:
    """The documented rule, recomputed: first 8 bytes of sha256(id), big-endian, mod 6, in COLOURS order."""
    import hashlib

    for item_id in ("soebench/0000", "mmlu/college_physics/0012", "arc-challenge/Mercury_7175875"):
        index = int.from_bytes(hashlib.sha256(item_id.encode()).digest()[:8], "big") % 6
        assert colour_for(item_id) == list(COLOURS.values())[index]


def test_for_item_resolves_only_per_item_colour() -> None:
    colour_style = style_by_name("colour-200dpi")
    resolved = colour_style.for_item("mmlu/anatomy/0003")
    assert resolved.colour == colour_for("mmlu/anatomy/0003")
    assert (resolved.name, resolved.font, resolved.dpi) == ("colour-200dpi", "dejavu", 200)
    assert REST_DEFAULT.for_item("mmlu/anatomy/0003") is REST_DEFAULT


@pytest.mark.parametrize("name", list(NOMINAL_HUE))
def test_colours_are_their_hue_and_legible(name: str) -> None:
    rgb = COLOURS[name]
    hue, saturation, _ = colorsys.rgb_to_hsv(*(c / 255 for c in rgb))
    distance = abs((hue * 360 - NOMINAL_HUE[name] + 180) % 360 - 180)
    assert distance <= 11, f"{name} {rgb} has hue {hue * 360:.0f}"
    assert saturation == 1.0
    assert _contrast_on_white(rgb) >= 4.5, f"{name} {rgb} contrast {_contrast_on_white(rgb):.2f}"


def test_colours_are_mutually_distinct() -> None:
    for a, b in itertools.combinations(COLOURS.values(), 2):
        assert sum(abs(x - y) for x, y in zip(a, b, strict=True)) >= 100
