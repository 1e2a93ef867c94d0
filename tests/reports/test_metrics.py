"""RER, MMC, CFR, accuracy, CER and the OCR-correct subset against small hand-computed tables."""

from __future__ import annotations

import io
import json
from typing import Any

import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from pytest_restgate.core.summary import UNIT_COLUMNS
from pytest_restgate.fixtures.evaluation.answers import normalised_cer
from pytest_restgate.reports.metrics import (
    SUMMARY_KEYS,
    metrics_table,
    regressions,
    summarise,
    summary,
    units,
    units_records,
)


def unit(
    item: str, gold: str, text: str | None, image: str | None, mixed: str | None, *, cer: float | None = 0.0,
    dataset: str = "soebench", style: str = "dejavu-200dpi", strategy: str = "direct",
    error: str | None = None, error_on: str = "image",
) -> list[dict[str, Any]]:
    """The four records of one unit; `correct` is answer == gold, as the suite fills it."""
    rows = []
    for modality, answer in (("ocr", None), ("text", text), ("image", image), ("mixed", mixed)):
        rows.append({
            "item_id": item, "dataset": dataset, "style": style, "modality": modality, "strategy": strategy,
            "model": "reference", "gold": gold, "answer": answer,
            "correct": None if modality == "ocr" else answer is not None and answer == gold,
            "response": "", "cer": cer if modality == "ocr" else None, "prompt_tokens": 10,
            "completion_tokens": 5, "cost_usd": 0.0, "latency_s": 0.1, "cached": False,
            "error": error if modality == error_on else None,
        })
    return rows


def frame(*unit_rows: list[dict[str, Any]]) -> pd.DataFrame:
    return pd.DataFrame([r for rows in unit_rows for r in rows])


def hand_table() -> pd.DataFrame:
    """u1 all right; u2 three identical wrong answers; u3 image wrong; u4 image and mixed unparsed;
    u5 nothing parsed; u6 errored. CER 0 except u3 (0.1) and u4 (0.5)."""
    return frame(
        unit("soebench/0001", "5", "5", "5", "5"),
        unit("soebench/0002", "5", "3", "3", "3"),
        unit("soebench/0003", "2", "2", "7", "2", cer=0.1),
        unit("soebench/0004", "4", "4", None, None, cer=0.5),
        unit("soebench/0005", "1", None, None, None),
        unit("soebench/0006", "1", "1", "1", "1", error="timeout after 3 retries"),
    )


def test_units_one_row_per_unit_with_verdicts() -> None:
    u = units(hand_table()).set_index("item_id")
    assert list(u.reset_index().columns) == list(UNIT_COLUMNS)
    assert u["consistent"].tolist() == [True, True, False, False, False, True]
    assert u["solved_any"].tolist() == [True, False, True, True, False, True]
    assert u["solved_all"].tolist() == [True, False, False, False, False, True]
    assert u["errored"].tolist() == [False] * 5 + [True]
    assert u.loc["soebench/0004", "answer_image"] is None
    assert u["ocr_correct"].tolist() == [True, True, False, False, True, True]


def test_summary_matches_hand_computed_figures() -> None:
    s = summary(units(hand_table()))
    assert (s["n_units"], s["n_errors"], s["n_incomplete"], s["n"]) == (6, 1, 0, 5)
    assert s["rer"] == pytest.approx(2 / 5)
    assert s["mmc"] == pytest.approx(3 / 5)
    assert (s["n_cfr"], s["cfr"]) == (3, pytest.approx(2 / 3))
    assert (s["acc_text"], s["acc_image"], s["acc_mixed"]) == pytest.approx((3 / 5, 1 / 5, 2 / 5))
    assert (s["n_cer"], s["cer_mean"], s["cer_median"]) == (5, pytest.approx(0.12), 0.0)
    assert s["ocr_exact_share"] == pytest.approx(3 / 5)
    # OCR-correct subset: u1, u2, u5.
    assert s["ocr_ok_n"] == 3
    assert s["ocr_ok_rer"] == pytest.approx(2 / 3)
    assert s["ocr_ok_mmc"] == pytest.approx(1 / 3)
    assert (s["ocr_ok_n_cfr"], s["ocr_ok_cfr"]) == (1, 0.0)
    assert s["ocr_ok_acc_image"] == pytest.approx(1 / 3)
    assert tuple(s) == SUMMARY_KEYS


def test_three_identical_wrong_answers_are_consistent_but_not_correct() -> None:
    """RER and CFR disagree: the unit counts for RER, and CFR has nothing to count."""
    s = summary(units(frame(unit("soebench/0002", "5", "3", "3", "3"))))
    assert (s["rer"], s["mmc"], s["n_cfr"], s["cfr"]) == (1.0, 0.0, 0, None)
    both = summary(units(frame(unit("a/1", "5", "3", "3", "3"), unit("a/2", "2", "2", "7", "2"))))
    assert (both["rer"], both["cfr"]) == (0.5, 1.0)


def test_unparsed_answers_never_equal_each_other() -> None:
    u = units(frame(unit("a/1", "1", None, None, None), unit("a/2", "1", "1", None, "1")))
    assert u["consistent"].tolist() == [False, False]
    assert summary(u)["rer"] == 0.0


def test_errors_are_excluded_but_counted() -> None:
    with_error = summary(units(hand_table()))
    without = summary(units(hand_table().query("item_id != 'soebench/0006'")))
    assert with_error["n_errors"] == 1
    assert {k: v for k, v in with_error.items() if k not in ("n_units", "n_errors")} == {
        k: v for k, v in without.items() if k not in ("n_units", "n_errors")
    }


def test_missing_answer_row_makes_an_incomplete_unit() -> None:
    rows = frame(unit("a/1", "1", "1", "1", "1"), unit("a/2", "1", "1", "1", "1"))
    rows = rows[~((rows["item_id"] == "a/2") & (rows["modality"] == "mixed"))]
    s = summary(units(rows))
    assert (s["n_units"], s["n_errors"], s["n_incomplete"], s["n"], s["rer"]) == (2, 0, 1, 1, 1.0)


def test_duplicate_rows_keep_the_last_call() -> None:
    rows = unit("a/1", "1", "1", "1", "1")
    retry = dict(rows[2], answer="2", correct=False)
    u = units(pd.DataFrame([*rows, retry]))
    assert u["answer_image"].tolist() == ["2"] and u["consistent"].tolist() == [False]


@pytest.mark.parametrize("table", [pd.DataFrame(), frame()], ids=["no-columns", "no-rows"])
def test_empty_frames_give_zero_counts_and_none_metrics(table: pd.DataFrame) -> None:
    s = summary(units(table))
    assert (s["n_units"], s["n_errors"], s["n"], s["n_cfr"], s["n_cer"]) == (0, 0, 0, 0, 0)
    assert all(s[k] is None for k in ("rer", "mmc", "cfr", "acc_text", "cer_mean", "ocr_ok_rer"))
    table_json = metrics_table(table)
    assert table_json["micro"]["rer"] is None and table_json["macro"]["rer"] is None
    assert table_json["datasets"] == {}
    json.dumps(table_json, allow_nan=False)


def test_all_error_frame_counts_everything_and_measures_nothing() -> None:
    rows = frame(*(unit(f"a/{i}", "1", "1", "1", "1", error="boom", error_on="ocr") for i in range(3)))
    s = metrics_table(rows)["micro"]
    assert (s["n_units"], s["n_errors"], s["n"]) == (3, 3, 0)
    assert s["rer"] is None and s["cfr"] is None and s["cer_mean"] is None


def test_macro_differs_from_micro_on_unbalanced_datasets() -> None:
    rows = frame(
        *(unit(f"soebench/{i}", "1", "1", "1", "1") for i in range(4)),
        unit("mmlu/x/0001", "A", "A", "B", "A", dataset="mmlu"),
    )
    t = metrics_table(rows)
    assert t["micro"]["rer"] == pytest.approx(4 / 5)
    assert t["macro"]["rer"] == pytest.approx((1.0 + 0.0) / 2)
    assert t["macro"]["n_groups"] == 2 and t["macro"]["n_units"] == 5
    assert t["datasets"]["mmlu"]["acc_image"] == 0.0 and t["datasets"]["soebench"]["acc_image"] == 1.0
    json.dumps(t, allow_nan=False)


def test_macro_skips_datasets_where_a_figure_is_undefined() -> None:
    rows = frame(unit("a/1", "1", "1", "2", "1", dataset="a"), unit("b/1", "1", "3", "3", "3", dataset="b"))
    t = metrics_table(rows)
    assert t["datasets"]["b"]["cfr"] is None
    assert t["macro"]["cfr"] == 1.0


def test_strategies_are_reported_apart() -> None:
    rows = frame(unit("a/1", "1", "1", "2", "1"), unit("a/1", "1", "1", "1", "1", strategy="ocr-first"))
    t = metrics_table(rows)
    assert (t["strategies"]["direct"]["rer"], t["strategies"]["ocr-first"]["rer"]) == (0.0, 1.0)


def test_summarise_groups_units() -> None:
    rows = frame(unit("a/1", "1", "1", "1", "1", dataset="a"), unit("b/1", "1", "2", "1", "1", dataset="b"))
    by = summarise(rows, by=["dataset"]).set_index("dataset")
    assert by.loc["a", "rer"] == 1.0 and by.loc["b", "rer"] == 0.0
    assert summarise(rows)["n"].tolist() == [2]
    with pytest.raises(ValueError, match="cannot group"):
        summarise(rows, by=["font"])


def test_records_missing_a_column_are_refused() -> None:
    with pytest.raises(ValueError, match="lack the columns"):
        units(frame(unit("a/1", "1", "1", "1", "1")).drop(columns=["error"]))


def test_cer_column_filled_by_normalised_cer_drives_the_ocr_subset() -> None:
    text = "A + B = 3\nA - B = 1"
    rows = frame(
        unit("a/1", "2", "2", "2", "2", cer=normalised_cer(text, "A+B=3 A-B=1")),
        unit("a/2", "2", "2", "9", "2", cer=normalised_cer(text, "A+B=3 A-B=7")),
    )
    s = summary(units(rows))
    assert (s["ocr_exact_share"], s["ocr_ok_n"], s["ocr_ok_rer"]) == (0.5, 1, 1.0)
    assert s["cer_mean"] == pytest.approx((0.0 + 1 / 10) / 2)


def test_records_read_back_from_jsonl_give_the_same_figures() -> None:
    lines = "\n".join(json.dumps(r) for r in hand_table().to_dict("records"))
    back = pd.read_json(io.StringIO(lines), lines=True, dtype=False)
    assert metrics_table(back) == metrics_table(hand_table())


def test_regressions_lists_flips_and_deltas() -> None:
    previous = units(frame(
        unit("a/1", "1", "1", "1", "1"), unit("a/2", "1", "1", "2", "1"), unit("a/3", "1", "1", "1", "1"),
        unit("a/4", "1", "1", "1", "1"), unit("a/5", "1", "1", "1", "1"),
    ))
    current = units(frame(
        unit("a/1", "1", "1", "2", "1"), unit("a/2", "1", "1", "1", "1"), unit("a/3", "1", "1", "3", "1"),
        unit("a/5", "1", "1", "1", "1", error="rate limited"), unit("a/6", "1", "1", "1", "1"),
    ))
    stored = json.loads(json.dumps(units_records(previous), allow_nan=False))
    r = regressions(stored, current)
    assert [k["item_id"] for k in r["newly_inconsistent"]] == ["a/1", "a/3"]
    assert [k["item_id"] for k in r["newly_consistent"]] == ["a/2"]
    assert r["newly_consistent"][0] == {"item_id": "a/2", "dataset": "soebench", "style": "dejavu-200dpi",
                                        "strategy": "direct"}
    assert (r["n_compared"], r["n_only_previous"], r["n_only_current"], r["n_excluded"]) == (3, 1, 1, 1)
    assert r["deltas"]["rer"] == {"previous": pytest.approx(2 / 3), "current": pytest.approx(1 / 3),
                                  "delta": pytest.approx(-1 / 3)}
    assert r["deltas"]["cfr"]["delta"] == pytest.approx(2 / 3 - 1 / 3)
    json.dumps(r, allow_nan=False)


def test_regressions_against_an_empty_baseline() -> None:
    r = regressions([], units(frame(unit("a/1", "1", "1", "1", "1"))))
    assert (r["n_compared"], r["n_only_current"], r["newly_inconsistent"]) == (0, 1, [])
    assert r["deltas"]["rer"]["delta"] is None


answers = st.one_of(st.none(), st.sampled_from(["1", "2", "A"]))


@settings(max_examples=60, deadline=None)
@given(st.lists(st.tuples(answers, answers, answers, st.sampled_from([0.0, 0.3])), min_size=1, max_size=8))
def test_invariants_on_random_tables(table: list[tuple[str | None, str | None, str | None, float]]) -> None:
    """solved in all three implies consistent; shares stay in [0, 1]; CFR is defined iff MMC > 0."""
    rows = frame(*(unit(f"a/{i}", "1", t, im, m, cer=c) for i, (t, im, m, c) in enumerate(table)))
    u = units(rows)
    assert (u["consistent"] | ~u["solved_all"]).all()
    s = summary(u)
    assert all(0.0 <= s[k] <= 1.0 for k in ("rer", "mmc", "acc_text", "acc_image", "acc_mixed"))
    assert (s["cfr"] is None) == (s["mmc"] == 0.0)
    assert s["ocr_ok_n"] == sum(1 for *_, c in table if c == 0.0)
    json.dumps(metrics_table(rows), allow_nan=False)
