"""Release gates: threshold parsing, min/max judgement on points and on interval bounds, and the gate lines."""

from __future__ import annotations

import pytest

from pytest_restgate.core.gates import OVERALL, GateResult, Threshold, check_count, check_threshold, parse_thresholds

FIGURES = {
    OVERALL: {"rer": 0.8, "cfr": 0.25, "mmc": 0.9},
    "soebench": {"rer": 0.95, "cfr": 0.05, "mmc": None},
}
INTERVALS = {
    OVERALL: {"rer": (0.7, 0.88), "cfr": (0.15, 0.35), "mmc": None},
}


@pytest.mark.parametrize(
    ("option", "raw", "expected"),
    [
        ("min_rer", "0.85", [Threshold("rer", "min", OVERALL, 0.85)]),
        ("min_rer", "soebench:0.9,mmlu:0.8",
         [Threshold("rer", "min", "soebench", 0.9), Threshold("rer", "min", "mmlu", 0.8)]),
        ("max_cfr", " 0.1 , arc-challenge : 0.2 ",
         [Threshold("cfr", "max", OVERALL, 0.1), Threshold("cfr", "max", "arc-challenge", 0.2)]),
        ("min_mmc", "0,1", [Threshold("mmc", "min", OVERALL, 0.0), Threshold("mmc", "min", OVERALL, 1.0)]),
        ("min_rer", None, []),
        ("min_rer", "", []),
    ],
)
def test_parse_thresholds(option: str, raw: str | None, expected: list[Threshold]) -> None:
    assert parse_thresholds(option, raw) == expected


@pytest.mark.parametrize(
    ("option", "raw", "flag", "fragment"),
    [
        ("min_rer", "high", "--min-rer", "'high' is not a share"),
        ("max_cfr", "soebench:", "--max-cfr", "'soebench:' is not a share"),
        ("min_mmc", "0.8,", "--min-mmc", "'' is not a share"),
        ("min_rer", "85", "--min-rer", "85.0 is outside [0, 1]"),
        ("max_cfr", "mmlu:-0.1", "--max-cfr", "-0.1 is outside [0, 1]"),
        ("min_rer", "nan", "--min-rer", "outside [0, 1]"),
    ],
)
def test_parse_thresholds_rejects_with_the_option_name(option: str, raw: str, flag: str, fragment: str) -> None:
    with pytest.raises(pytest.UsageError) as info:
        parse_thresholds(option, raw)
    message = str(info.value)
    assert message.startswith(flag + ":")
    assert fragment in message


def test_threshold_labels() -> None:
    assert Threshold("rer", "min", OVERALL, 0.85).label == "min-rer"
    assert Threshold("cfr", "max", "mmlu", 0.1).label == "max-cfr[mmlu]"


@pytest.mark.parametrize(
    ("threshold", "actual", "passed"),
    [
        (Threshold("rer", "min", OVERALL, 0.8), 0.8, True),  # equal to a min target passes
        (Threshold("rer", "min", OVERALL, 0.85), 0.8, False),
        (Threshold("cfr", "max", OVERALL, 0.25), 0.25, True),  # equal to a max target passes
        (Threshold("cfr", "max", OVERALL, 0.2), 0.25, False),
        (Threshold("rer", "min", "soebench", 0.9), 0.95, True),
        (Threshold("cfr", "max", "soebench", 0.01), 0.05, False),
    ],
)
def test_check_threshold_on_points(threshold: Threshold, actual: float, passed: bool) -> None:
    result = check_threshold(threshold, FIGURES)
    assert (result.actual, result.passed, result.judged_on) == (actual, passed, "point")
    assert (result.label, result.target) == (threshold.label, threshold.value)


def test_lower_bound_mode_uses_low_for_min_and_high_for_max() -> None:
    # Point 0.8 clears 0.75, but the lower bound 0.7 does not.
    rer = check_threshold(Threshold("rer", "min", OVERALL, 0.75), FIGURES, INTERVALS)
    assert (rer.actual, rer.passed, rer.judged_on) == (0.7, False, "lower bound")
    assert check_threshold(Threshold("rer", "min", OVERALL, 0.75), FIGURES).passed
    # Point 0.25 is under 0.3, but the upper bound 0.35 is not.
    cfr = check_threshold(Threshold("cfr", "max", OVERALL, 0.3), FIGURES, INTERVALS)
    assert (cfr.actual, cfr.passed, cfr.judged_on) == (0.35, False, "upper bound")
    assert check_threshold(Threshold("cfr", "max", OVERALL, 0.3), FIGURES).passed
    # Bounds that clear the target pass.
    assert check_threshold(Threshold("cfr", "max", OVERALL, 0.4), FIGURES, INTERVALS).passed


def test_lower_bound_mode_falls_back_to_the_point_without_an_interval() -> None:
    result = check_threshold(Threshold("mmc", "min", OVERALL, 0.85), FIGURES, INTERVALS)
    assert (result.actual, result.passed, result.judged_on) == (0.9, True, "point")
    scoped = check_threshold(Threshold("rer", "min", "soebench", 0.9), FIGURES, INTERVALS)
    assert (scoped.actual, scoped.judged_on) == (0.95, "point")


@pytest.mark.parametrize(
    "threshold",
    [Threshold("mmc", "min", "soebench", 0.5), Threshold("rer", "min", "mmlu", 0.5),
     Threshold("cfr", "max", "gsm-symbolic", 1.0)],
)
def test_missing_data_fails_with_no_data(threshold: Threshold) -> None:
    result = check_threshold(threshold, FIGURES, INTERVALS)
    assert result.actual is None
    assert not result.passed
    assert result.line == f"FAIL {threshold.label}: target {threshold.value:g}, no data"


def test_point_gate_lines() -> None:
    fail = check_threshold(Threshold("rer", "min", OVERALL, 0.85), FIGURES)
    assert fail.line == "FAIL min-rer: target 0.85, actual 0.8000, gap -0.0500"
    ok = check_threshold(Threshold("cfr", "max", "soebench", 0.1), FIGURES)
    assert ok.line == "PASS max-cfr[soebench]: target 0.1, actual 0.0500, gap -0.0500"


def test_bound_gate_line_names_the_bound() -> None:
    result = check_threshold(Threshold("cfr", "max", OVERALL, 0.3), FIGURES, INTERVALS)
    assert result.line == "FAIL max-cfr: target 0.3, actual 0.3500 (upper bound), gap +0.0500"


def test_count_gates_show_integers() -> None:
    over = check_count("max-errors", 3, 1)
    assert (over.passed, over.count) == (False, True)
    assert over.line == "FAIL max-errors: target 1, actual 3, over by 2"
    within = check_count("max-regressions", 0, 2)
    assert within.passed
    assert within.line == "PASS max-regressions: target 2, actual 0, over by 0"
    assert check_count("max-errors", 2, 2).passed


def test_gate_result_is_frozen() -> None:
    result = GateResult("min-rer", 0.8, 0.9, True)
    with pytest.raises(AttributeError):
        result.passed = False  # type: ignore[misc]
