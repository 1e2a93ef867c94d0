"""The run-level noise block and its gate on hand-built records: figures, exclusions, the gate's basis, outputs."""

from __future__ import annotations

from typing import Any

import pytest

from pytest_restgate.core.gates import check_noise, parse_noise_thresholds
from pytest_restgate.reports.noise import (
    distributions_html,
    first_repeat,
    noise_html,
    noise_lines,
    noise_summary,
    repeat_cells,
)


def records(item: str, answers: dict[str, list[str | None]], *, dataset: str = "soebench",
            error_in: str | None = None) -> list[dict[str, Any]]:
    """A unit's records under --repeats: the OCR call (repeat 0) and each modality's repeats."""
    out: list[dict[str, Any]] = [{"item_id": item, "dataset": dataset, "style": "s", "strategy": "direct",
                                  "modality": "ocr", "answer": None, "error": None, "repeat": 0, "seed": None}]
    for modality, given in answers.items():
        for k, answer in enumerate(given):
            out.append({"item_id": item, "dataset": dataset, "style": "s", "strategy": "direct",
                        "modality": modality, "answer": answer, "repeat": k, "seed": k or None,
                        "error": "boom" if error_in == modality and k == 1 else None})
    return out


SAME = {"text": ["7", "7", "8"], "image": ["7", "7", "8"], "mixed": ["7", "8", "7"]}
SHIFT = {"text": ["7"] * 3, "image": ["8"] * 3, "mixed": ["7"] * 3}


def test_the_block_by_hand() -> None:
    rows = records("a", SAME) + records("b", SHIFT) + records("c", SAME, error_in="image")
    noise = noise_summary(rows, "direct")
    assert noise is not None
    assert (noise["repeats"], noise["n"], noise["n_errors"]) == (3, 2, 1)  # the errored unit is excluded
    same_rer = (2 / 3) ** 3 + (1 / 3) ** 3  # one draw per modality agrees
    assert noise["rer_expected"] == pytest.approx((same_rer + 0.0) / 2)
    assert noise["rer_noise"] == pytest.approx((0.0 + 1.0) / 2)  # a: no three text draws agree; b: all do
    assert noise["rer_below_noise"] == pytest.approx(noise["rer_noise"] - noise["rer_expected"])
    assert noise["self_agreement"]["text"] == pytest.approx((1 / 3 + 1.0) / 2)
    assert noise["majority_rer"] == 0.5 and noise["shifted"] == 1 and noise["inconsistent"] == 1
    assert noise["rer_below_noise_ci"] is not None and noise["rer_below_noise_ci"][0] < noise["rer_below_noise"]
    assert set(noise["datasets"]) == {"soebench"}
    assert [u["item_id"] for u in noise["units"]] == ["a", "b"]


def test_no_repeats_no_block_and_repeat_zero_for_the_paper_figures() -> None:
    plain = [{k: v for k, v in r.items() if k not in ("repeat", "seed")} for r in records("a", SAME)]
    assert noise_summary(plain, "direct") is None
    rows = records("a", SAME)
    assert {r["repeat"] for r in first_repeat(rows)} == {0} and len(first_repeat(rows)) == 4


def test_gate_judges_the_shortfall_on_its_point_or_its_upper_bound() -> None:
    noise = noise_summary(records("a", SAME) + records("b", SHIFT) + records("c", SAME), "direct")
    [overall] = parse_noise_thresholds("0.4")
    point = check_noise(overall, noise)
    assert point.actual == pytest.approx(noise["rer_below_noise"]) and point.judged_on == "point"
    upper = check_noise(overall, noise, "lower-bound")
    assert upper.judged_on == "upper bound" and upper.actual == pytest.approx(noise["rer_below_noise_ci"][1])
    assert upper.actual > point.actual and not upper.passed
    [scoped] = parse_noise_thresholds("mmlu:0.1")
    missing = check_noise(scoped, noise)
    assert not missing.passed and "no data" in missing.line and missing.label == "max-rer-below-noise[mmlu]"
    assert not check_noise(overall, None).passed


@pytest.mark.parametrize("raw", ["x", "1.5", "soebench:-0.1"])
def test_bad_thresholds_are_usage_errors(raw: str) -> None:
    with pytest.raises(pytest.UsageError, match="--max-rer-below-noise"):
        parse_noise_thresholds(raw)


def test_terminal_and_html_show_the_figures_and_the_distributions() -> None:
    rows = records("a", SAME) + records("b", SHIFT)
    noise = noise_summary(rows, "direct")
    lines = noise_lines(noise)
    assert lines[0].startswith("noise floor (--repeats 3, 2 units): RER over repeats")
    assert "self-agreement text" in lines[1] and "1 shifted beyond noise" in lines[1]
    page = noise_html(noise)
    assert 'id="restgate-noise"' in page and "<td>all</td>" in page
    assert noise_lines(None) == [] and noise_html(None) == ""
    cells = repeat_cells(records("b", SHIFT), "direct")
    assert cells == ['<td class="col-rg-text">7 3/3</td>', '<td class="col-rg-image">8 3/3</td>',
                     '<td class="col-rg-mixed">7 3/3</td>']
    drill = distributions_html(records("b", {**SHIFT, "image": ["<b>", "8", "8"]}), "direct")
    assert "&lt;b&gt; 1/3" in drill and "<b> 1/3" not in drill  # answers are escaped
    assert "exact test p=" in drill and "majority differs" in drill


@pytest.mark.parametrize(("p_values", "cutoff"), [
    ([0.01, 0.04, 0.03, 0.005], 0.04),  # rank k passes p <= 0.05 k / 4: all four
    ([0.01, 0.02, 0.5, 0.9], 0.02),
    ([0.03] + [0.9] * 19, None),  # one p below 0.05 among 20: 0.03 > 0.05 / 20
    ([], None),
])
def test_benjamini_hochberg_cutoff(p_values: list[float], cutoff: float | None) -> None:
    from pytest_restgate.reports.noise import benjamini_hochberg_cutoff

    assert benjamini_hochberg_cutoff(p_values, 0.05) == cutoff


def test_a_lone_shift_among_many_units_does_not_survive_the_false_discovery_rate() -> None:
    rows = records("shift", SHIFT) + [r for k in range(19) for r in records(f"same{k}", SAME)]
    noise = noise_summary(rows, "direct")
    assert noise is not None and noise["n"] == 20
    assert (noise["shifted"], noise["inconsistent"]) == (1, 1)  # p = 0.036 < 0.05 on its own
    assert (noise["shifted_fdr"], noise["inconsistent_fdr"]) == (0, 0)  # but not below 0.05 / 20
    alone = noise_summary(records("shift", SHIFT), "direct")
    assert alone is not None and (alone["shifted_fdr"], alone["inconsistent_fdr"]) == (1, 1)
    assert "at a 0.05 false discovery rate over the 20 units (Benjamini-Hochberg) 0 shifted" in noise_lines(noise)[1]
