"""The paper's modality tests across models, and the MOVER interval of a mean of proportions, by hand."""

from __future__ import annotations

import math

import pytest

from pytest_restgate.core.figure import mover_mean_interval
from pytest_restgate.reports.stats import cross_model_modality_tests, wilson_interval


def test_three_models_text_vs_image_by_hand() -> None:
    """Differences 0.10, 0.05, 0.20: mean 7/60, variance 7/1200, so t = sqrt(7) exactly with df 2; for df 2 the
    two-sided p is 1 - t / sqrt(t^2 + 2) = 1 - sqrt(7)/3, and the CI is mean +- 4.302653 * sqrt(7/3600)."""
    rows = [{"model": "a", "acc_text": 0.9, "acc_image": 0.8, "acc_mixed": 0.85},
            {"model": "b", "acc_text": 0.8, "acc_image": 0.75, "acc_mixed": 0.75},
            {"model": "c", "acc_text": 0.7, "acc_image": 0.5, "acc_mixed": 0.65}]
    result = cross_model_modality_tests(rows, subset="all")
    ti = result["text_vs_image"]
    assert ti["models"] == ["a", "b", "c"] and ti["df"] == 2
    assert ti["t"] == pytest.approx(math.sqrt(7))
    assert ti["p_value"] == pytest.approx(1 - math.sqrt(7) / 3)
    assert ti["mean_diff"] == pytest.approx(7 / 60)
    half = 4.302653 * math.sqrt(7 / 3600)
    assert (ti["ci_low"], ti["ci_high"]) == pytest.approx((7 / 60 - half, 7 / 60 + half), abs=1e-6)
    # image - mixed: -0.05, 0.00, -0.15 (mixed better): mean -1/15, negative t, as the paper's -7.2.
    im = result["image_vs_mixed"]
    assert im["mean_diff"] == pytest.approx(-1 / 15) and im["t"] < 0
    assert result["scope"] == "across models (paired over models)"


def test_a_model_without_a_figure_is_left_out_of_that_pair_only() -> None:
    rows = [{"acc_text": 0.9, "acc_image": 0.8, "acc_mixed": None},
            {"acc_text": 0.8, "acc_image": 0.6, "acc_mixed": 0.7},
            {"acc_text": 0.7, "acc_image": 0.4, "acc_mixed": 0.5}]
    result = cross_model_modality_tests(rows, subset="all")
    assert result["text_vs_image"]["n"] == 3 and result["image_vs_mixed"]["n"] == 2
    assert result["image_vs_mixed"]["models"] == ["1", "2"]


def test_one_model_gives_no_t() -> None:
    result = cross_model_modality_tests([{"acc_text": 0.9, "acc_image": 0.8, "acc_mixed": 0.85}], subset="all")
    assert result["text_vs_image"]["t"] is None and result["text_vs_image"]["note"] == "fewer than 2 pairs"


def test_the_default_cut_is_the_papers_ocr_correct_subset() -> None:
    """All-unit accuracies say text beats image; on the OCR-correct units (the paper's table's cut) image does."""
    rows = [{"model": "a", "acc_text": 0.9, "acc_image": 0.5, "ocr_ok_acc_text": 0.8, "ocr_ok_acc_image": 0.9},
            {"model": "b", "acc_text": 0.8, "acc_image": 0.3, "ocr_ok_acc_text": 0.7, "ocr_ok_acc_image": 0.75}]
    result = cross_model_modality_tests(rows)
    assert result["subset"] == "ocr-correct" and "ocr-correct units" in result["computes"]
    assert result["text_vs_image"]["mean_diff"] == pytest.approx(-0.075)
    assert cross_model_modality_tests(rows, subset="all")["text_vs_image"]["mean_diff"] == pytest.approx(0.45)
    assert result["image_vs_mixed"]["n"] == 0  # no mixed figure: left out, not zero
    with pytest.raises(ValueError, match="subset must be one of"):
        cross_model_modality_tests(rows, subset="pooled")


def test_mover_of_two_equal_groups_by_hand() -> None:
    """2 of 4 in each group: Wilson (0.150039, 0.849961) each; the half-width of the mean is 0.349961 / sqrt(2)
    = 0.247460."""
    w = wilson_interval(2, 4)
    assert w == pytest.approx((0.150039, 0.849961), abs=1e-6)
    assert mover_mean_interval([(0.5, *w), (0.5, *w)]) == pytest.approx((0.252540, 0.747460), abs=2e-6)


def test_mover_of_one_group_is_its_interval_and_of_none_is_none() -> None:
    w = wilson_interval(9, 10)
    assert w is not None
    assert mover_mean_interval([(0.9, *w)]) == pytest.approx(w)
    assert mover_mean_interval([]) is None
    low, high = mover_mean_interval([(1.0, *wilson_interval(5, 5)), (1.0, *wilson_interval(50, 50))]) or (0, 0)
    assert high == 1.0 and 0.0 < low < 1.0
    with pytest.raises(ValueError, match="low <= value <= high"):
        mover_mean_interval([(0.9, 0.95, 1.0)])
