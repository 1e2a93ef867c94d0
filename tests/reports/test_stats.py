"""Wilson intervals, exact McNemar and paired t against hand values and scipy, on hand-built unit tables."""

from __future__ import annotations

import json
import math
import warnings
from typing import Any

import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st
from scipy import stats as sp

from pytest_restgate.reports.metrics import summary, units
from pytest_restgate.reports.stats import mcnemar_exact, metric_intervals, modality_tests, paired_t, wilson_interval


def unit(item: str, gold: str, text: str | None, image: str | None, mixed: str | None,
         error: str | None = None) -> list[dict[str, Any]]:
    rows = []
    for modality, answer in (("ocr", None), ("text", text), ("image", image), ("mixed", mixed)):
        rows.append({
            "item_id": item, "dataset": "soebench", "style": "dejavu-200dpi", "modality": modality,
            "strategy": "direct", "model": "reference", "gold": gold, "answer": answer,
            "correct": None if modality == "ocr" else answer == gold, "response": "",
            "cer": 0.0 if modality == "ocr" else None, "prompt_tokens": None, "completion_tokens": None,
            "cost_usd": None, "latency_s": 0.0, "cached": False,
            "error": error if modality == "text" else None,
        })
    return rows


@pytest.mark.parametrize(
    ("successes", "n", "low", "high"),
    [(8, 10, 0.4902, 0.9433), (0, 10, 0.0, 0.2775), (10, 10, 0.7225, 1.0), (1, 2, 0.0945, 0.9055)],
)
def test_wilson_matches_hand_values_and_scipy(successes: int, n: int, low: float, high: float) -> None:
    lo, hi = wilson_interval(successes, n)
    assert (lo, hi) == (pytest.approx(low, abs=5e-5), pytest.approx(high, abs=5e-5))
    ref = sp.binomtest(successes, n).proportion_ci(confidence_level=0.95, method="wilson")
    assert (lo, hi) == (pytest.approx(ref.low, abs=1e-12), pytest.approx(ref.high, abs=1e-12))


def test_wilson_degenerate_and_invalid_inputs() -> None:
    assert wilson_interval(0, 0) is None
    lo90, hi90 = wilson_interval(8, 10, confidence=0.90)
    lo95, hi95 = wilson_interval(8, 10)
    assert lo95 < lo90 < 0.8 < hi90 < hi95
    for args in ((11, 10), (-1, 10), (0, -1)):
        with pytest.raises(ValueError):
            wilson_interval(*args)
    with pytest.raises(ValueError, match="confidence"):
        wilson_interval(1, 2, confidence=1.0)


def test_mcnemar_exact_by_hand() -> None:
    # 1 pair: a wrong, b right (b01); 6 pairs: a right, b wrong (b10); 3 concordant.
    a = [False] + [True] * 6 + [True, False, True]
    b = [True] + [False] * 6 + [True, False, True]
    result = mcnemar_exact(a, b)
    assert (result["n"], result["b01"], result["b10"], result["n_discordant"]) == (10, 1, 6, 7)
    assert result["p_value"] == pytest.approx(2 * (1 + 7) / 2**7)  # 2 * P(X <= 1), X ~ Bin(7, 1/2)
    assert result["p_value"] == pytest.approx(sp.binomtest(1, 7, 0.5).pvalue)
    assert result["diff"] == pytest.approx((6 - 1) / 10)
    one_sided_all = mcnemar_exact([True] * 5, [False] * 5)
    assert one_sided_all["p_value"] == pytest.approx(2 / 2**5)


def test_mcnemar_degenerate_inputs() -> None:
    assert mcnemar_exact([True, False], [True, False])["p_value"] == 1.0  # no discordant pair
    empty = mcnemar_exact([], [])
    assert (empty["n"], empty["p_value"], empty["diff"]) == (0, None, None)
    with pytest.raises(ValueError, match="length"):
        mcnemar_exact([True], [True, False])
    with pytest.raises(ValueError, match="missing"):
        mcnemar_exact([None], [True])


@given(st.lists(st.tuples(st.booleans(), st.booleans()), max_size=40))
def test_mcnemar_is_symmetric(pairs: list[tuple[bool, bool]]) -> None:
    a, b = [x for x, _ in pairs], [y for _, y in pairs]
    ab, ba = mcnemar_exact(a, b), mcnemar_exact(b, a)
    assert (ab["b01"], ab["b10"], ab["p_value"]) == (ba["b10"], ba["b01"], ba["p_value"])
    assert ab["p_value"] is None or 0.0 < ab["p_value"] <= 1.0


def test_paired_t_by_hand_and_against_scipy() -> None:
    a = [0.9, 0.8, 0.7, 0.95, 0.6]
    b = [0.85, 0.7, 0.72, 0.9, 0.5]
    result = paired_t(a, b)
    # differences 0.05, 0.10, -0.02, 0.05, 0.10: mean 0.056, SD sqrt(0.00972 / 4).
    sd = math.sqrt(0.00972 / 4)
    assert result["mean_diff"] == pytest.approx(0.056)
    assert result["sd_diff"] == pytest.approx(sd)
    assert result["d_z"] == pytest.approx(0.056 / sd)
    assert result["t"] == pytest.approx(0.056 / (sd / math.sqrt(5)))
    assert result["df"] == 4 and result["note"] is None
    ref = sp.ttest_rel(a, b)
    ci = ref.confidence_interval(0.95)
    assert result["t"] == pytest.approx(float(ref.statistic))
    assert result["p_value"] == pytest.approx(float(ref.pvalue))
    assert (result["ci_low"], result["ci_high"]) == (pytest.approx(ci.low), pytest.approx(ci.high))
    assert result["ci_low"] == pytest.approx(0.056 - 2.776445 * sd / math.sqrt(5), abs=1e-6)


@pytest.mark.parametrize(
    ("a", "b", "note"),
    [([], [], "fewer than 2 pairs"), ([1.0], [0.0], "fewer than 2 pairs"),
     ([1.0, 1.0, 0.0], [0.0, 0.0, -1.0], "zero variance of the differences"),
     ([1.0, 0.0], [1.0, 0.0], "zero variance of the differences")],
)
def test_paired_t_degenerate_inputs_give_none_without_warnings(
    a: list[float], b: list[float], note: str
) -> None:
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        result = paired_t(a, b)
    assert result["note"] == note
    assert all(result[k] is None for k in ("t", "p_value", "d_z", "ci_low", "ci_high"))
    json.dumps(result, allow_nan=False)


def test_paired_t_rejects_bad_input() -> None:
    with pytest.raises(ValueError, match="equally long"):
        paired_t([1.0, 2.0], [1.0])
    with pytest.raises(ValueError, match="NaN"):
        paired_t([1.0, float("nan")], [1.0, 2.0])


def hand_units() -> pd.DataFrame:
    """Ten scored units plus one errored: text right 9/10, image right 5/10, mixed right 6/10."""
    table = [("5", "5", "5")] * 4 + [("5", "7", "5")] * 2 + [("5", "7", "7")] * 3 + [("7", "5", "7")]
    rows = [r for i, (t, im, m) in enumerate(table) for r in unit(f"soebench/{i:04d}", "5", t, im, m)]
    rows += unit("soebench/0099", "5", "5", "7", "7", error="timeout")
    return units(pd.DataFrame(rows))


def test_modality_tests_on_a_hand_table() -> None:
    tests = modality_tests(hand_units())
    ti, im = tests["text_vs_image"], tests["image_vs_mixed"]
    # text vs image: text right and image wrong in 5 units, the reverse in 1.
    assert (ti["n"], ti["mcnemar"]["b10"], ti["mcnemar"]["b01"]) == (10, 5, 1)
    assert ti["mcnemar"]["p_value"] == pytest.approx(sp.binomtest(1, 6).pvalue)
    assert ti["acc_a"]["value"] == 0.9 and ti["acc_b"]["value"] == 0.5
    assert ti["paired_t"]["mean_diff"] == pytest.approx(0.9 - 0.5)
    ref = sp.ttest_rel([1] * 9 + [0], [1] * 4 + [0] * 5 + [1])
    assert ti["paired_t"]["p_value"] == pytest.approx(ref.pvalue)
    # image vs mixed: mixed right where image was wrong in 2 units, the reverse in 1.
    assert (im["mcnemar"]["b01"], im["mcnemar"]["b10"]) == (2, 1)
    assert im["mcnemar"]["p_value"] == 1.0  # 2 * P(X <= 1 | Bin(3, 1/2)) = 2 * 4/8, capped at 1
    assert im["paired_t"]["mean_diff"] == pytest.approx(0.5 - 0.6)
    assert (im["acc_b"]["low"], im["acc_b"]["high"]) == pytest.approx(wilson_interval(6, 10))
    json.dumps(tests, allow_nan=False)


def test_metric_intervals_agree_with_the_summary() -> None:
    u = hand_units()
    s, ci = summary(u), metric_intervals(u)
    # consistent: the 4 all-right units; solved somewhere: all 10; solved everywhere: 4.
    assert (ci["rer"]["successes"], ci["rer"]["n"], ci["rer"]["value"]) == (4, 10, s["rer"])
    assert (ci["mmc"]["successes"], ci["mmc"]["n"], ci["mmc"]["value"]) == (10, 10, s["mmc"])
    assert (ci["cfr"]["successes"], ci["cfr"]["n"], ci["cfr"]["value"]) == (6, s["n_cfr"], s["cfr"])
    assert (ci["rer"]["low"], ci["rer"]["high"]) == pytest.approx(wilson_interval(4, 10))
    json.dumps(ci, allow_nan=False)


def test_statistics_on_empty_and_all_error_units() -> None:
    for u in (units(pd.DataFrame()), units(pd.DataFrame(unit("a/1", "1", "1", "1", "1", error="x")))):
        ci = metric_intervals(u)
        for k in ("rer", "mmc", "cfr"):
            assert (ci[k]["n"], ci[k]["value"], ci[k]["low"], ci[k]["high"]) == (0, None, None, None)
        tests = modality_tests(u)
        assert tests["text_vs_image"]["mcnemar"]["p_value"] is None
        assert tests["text_vs_image"]["paired_t"]["t"] is None
        json.dumps({"ci": ci, "tests": tests}, allow_nan=False)
