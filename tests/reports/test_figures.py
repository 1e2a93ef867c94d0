"""Which figure a gate judges (--gate-subset, --gate-mean), the paper's figure, and their intervals."""

from __future__ import annotations

import time
from typing import Any

import pytest

from pytest_restgate.core.figure import PAPER, Figure, describe_scope, gate_figures, gate_intervals, mover_mean_interval
from pytest_restgate.core.gates import Threshold, check_threshold
from pytest_restgate.reports.collector import Outcomes
from pytest_restgate.reports.stats import wilson_interval
from pytest_restgate.reports.summary import build_summary


def unit(item: str, dataset: str, answers: tuple[str, str, str], cer: float, colour: str | None = None,
         style: str = "dejavu-200dpi") -> list[dict[str, Any]]:
    base = {"item_id": item, "dataset": dataset, "style": style, "strategy": "direct", "model": "m",
            "gold": "5", "response": "", "prompt_tokens": 1, "completion_tokens": 1, "cost_usd": None,
            "latency_s": 0.1, "cached": False, "error": None, "finish_reason": "stop", "colour": colour,
            "fallback_chars": ""}
    ocr = {**base, "modality": "ocr", "answer": None, "correct": None, "cer": cer}
    return [ocr, *({**base, "modality": m, "answer": a, "correct": a == "5", "cer": None}
                   for m, a in zip(("text", "image", "mixed"), answers, strict=True))]


SAME, SPLIT = ("5", "5", "5"), ("5", "3", "5")


def hand_summary(model: str = "m") -> dict[str, Any]:
    """soebench: 3 units, all OCR-correct, 2 consistent. mmlu: one OCR-correct consistent unit, one misread and
    inconsistent. So RER pooled 3/5 = 0.6, OCR-correct pooled 3/4 = 0.75, mean over datasets (2/3 + 1/2) / 2,
    the paper's figure (OCR-correct, mean over datasets) (2/3 + 1) / 2."""
    records = [*unit("s/1", "soebench", SAME, 0.0), *unit("s/2", "soebench", SAME, 0.0),
               *unit("s/3", "soebench", SPLIT, 0.0),
               *unit("m/1", "mmlu", SAME, 0.0), *unit("m/2", "mmlu", SPLIT, 0.2)]
    return build_summary(records, Outcomes(), {"model": model}, primary_strategy="direct", started=time.time())


@pytest.mark.parametrize(("figure", "expected"), [
    (Figure("all", "pooled"), 3 / 5),
    (Figure("ocr-correct", "pooled"), 3 / 4),
    (Figure("all", "datasets"), (2 / 3 + 1 / 2) / 2),
    (Figure("ocr-correct", "datasets"), (2 / 3 + 1) / 2),
])
def test_each_choice_judges_its_own_figure(figure: Figure, expected: float) -> None:
    figures = gate_figures(hand_summary(), figure)
    assert figures["overall"]["rer"] == pytest.approx(expected)
    # A dataset's own figure does not depend on the mean: mmlu is 1/2 on all units, 1/1 on the OCR-correct one.
    assert figures["mmlu"]["rer"] == pytest.approx(1.0 if figure.subset == "ocr-correct" else 0.5)


def test_the_paper_block_is_the_ocr_correct_mean_over_datasets_with_a_mover_interval() -> None:
    summary = hand_summary()
    paper = summary["metrics"]["paper"]
    assert paper["figure"] == PAPER.describe == "OCR-correct subset, mean over datasets"
    assert paper["rer"] == pytest.approx((2 / 3 + 1) / 2)
    assert paper["n"] == 4 and paper["n_datasets"] == 2
    soe, mm = wilson_interval(2, 3), wilson_interval(1, 1)
    assert soe is not None and mm is not None
    expected = mover_mean_interval([(2 / 3, *soe), (1.0, *mm)])
    assert paper["intervals"]["rer"] == pytest.approx(list(expected or ()))


def test_lower_bound_with_the_datasets_mean_uses_the_mover_interval_not_the_mean_of_bounds() -> None:
    summary = hand_summary()
    intervals = gate_intervals(summary, Figure("all", "datasets"))
    soe, mm = wilson_interval(2, 3), wilson_interval(1, 2)
    assert soe is not None and mm is not None
    low, high = intervals["overall"]["rer"] or (0.0, 0.0)
    assert (low, high) == pytest.approx(mover_mean_interval([(2 / 3, *soe), (0.5, *mm)]) or ())
    assert low > (soe[0] + mm[0]) / 2  # narrower than the mean of the per-dataset bounds
    pooled = gate_intervals(summary, Figure("ocr-correct", "pooled"))
    assert pooled["overall"]["rer"] == pytest.approx(wilson_interval(3, 4))


def test_a_gate_line_names_the_figure_it_judged() -> None:
    summary = hand_summary()
    threshold = Threshold("rer", "min", "overall", 0.8)
    result = check_threshold(threshold, gate_figures(summary, PAPER), None, describe_scope(PAPER, "overall"))
    assert result.passed and result.line == (
        "PASS min-rer: target 0.8, actual 0.8333, gap +0.0333; judged on OCR-correct subset, mean over datasets")
    per_dataset = Threshold("rer", "min", "mmlu", 0.8)
    result = check_threshold(per_dataset, gate_figures(summary, PAPER), None, describe_scope(PAPER, "mmlu"))
    assert result.line.endswith("; judged on OCR-correct subset")


def test_unknown_choices_are_refused_with_the_option_name() -> None:
    with pytest.raises(pytest.UsageError, match="--gate-subset"):
        Figure("ocr", "pooled")
    with pytest.raises(pytest.UsageError, match="--gate-mean"):
        Figure("all", "macro")
