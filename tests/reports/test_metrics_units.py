"""`metrics.units` (plain Python since issue 26) against the pandas groupby + pivot it replaced, on seeded random
record tables with errors, missing answers and rows, duplicated rows (the last wins) and missing golds."""

from __future__ import annotations

import random
from typing import Any

import numpy as np
import pandas as pd
import pytest

from pytest_restgate.core.records import ANSWER_MODALITIES
from pytest_restgate.reports.metrics import UNIT_COLUMNS, UNIT_KEY, _flag, _missing, units


def _reference_units(records: pd.DataFrame) -> pd.DataFrame:
    """The implementation before issue 26, kept as the specification."""
    key = list(UNIT_KEY)
    df = records.reset_index(drop=True).drop_duplicates([*key, "modality"], keep="last")
    df = df.assign(_row=True, _err=[not _missing(e) and str(e) != "" for e in df["error"]])
    grouped = df.groupby(key, sort=True, dropna=False)
    out = pd.DataFrame({"gold": grouped["gold"].first(), "errored": grouped["_err"].any()})
    wide = df.pivot(index=key, columns="modality", values=["answer", "correct", "cer", "_row"])

    def column(field: str, modality: str) -> list[Any]:
        if (field, modality) not in wide.columns:
            return [None] * len(out)
        return wide[(field, modality)].reindex(out.index).tolist()

    present = np.ones(len(out), dtype=bool)
    answers: list[list[str | None]] = []
    for m in ANSWER_MODALITIES:
        answers.append([None if _missing(a) else str(a) for a in column("answer", m)])
        out[f"answer_{m}"] = pd.Series(answers[-1], index=out.index, dtype=object)
        out[f"correct_{m}"] = [_flag(c) for c in column("correct", m)]
        present &= np.array([_flag(r) for r in column("_row", m)], dtype=bool)
    out["ocr_cer"] = [np.nan if _missing(c) else float(c) for c in column("cer", "ocr")]
    out["ocr_correct"] = out["ocr_cer"].eq(0.0)
    out["consistent"] = [None not in row and len(set(row)) == 1 for row in zip(*answers, strict=True)]
    correct = out[[f"correct_{m}" for m in ANSWER_MODALITIES]].astype(bool)
    out["solved_any"] = correct.any(axis=1)
    out["solved_all"] = correct.all(axis=1)
    out["incomplete"] = ~present
    return out.reset_index()[list(UNIT_COLUMNS)]


def _records(rng: random.Random) -> pd.DataFrame:
    rows = []
    for n in range(rng.randint(1, 12)):
        unit = {"item_id": f"soebench/{n % 7:04d}", "dataset": rng.choice(["soebench", "mmlu/x"]),
                "style": rng.choice(["rest", "dejavu-50dpi"]), "strategy": rng.choice(["direct", "ocr-first"])}
        gold = rng.choice(["A", "7", None])
        for modality in ("ocr", *ANSWER_MODALITIES):
            if rng.random() < 0.1:
                continue  # a missing row: the unit is incomplete
            for _ in range(rng.choice([1, 1, 1, 2])):  # a duplicated row: the last one counts
                rows.append({**unit, "modality": modality, "gold": gold if rng.random() < 0.8 else None,
                             "answer": rng.choice(["A", "B", "7", 7, None]),
                             "correct": rng.choice([True, False, None]),
                             "cer": rng.choice([0.0, 0.25, None]) if modality == "ocr" else None,
                             "error": rng.choice([None, None, None, "", "timeout"])})
    rng.shuffle(rows)
    return pd.DataFrame(rows)


@pytest.mark.parametrize("seed", range(40))
def test_units_equals_the_pandas_groupby_it_replaced(seed: int) -> None:
    records = _records(random.Random(seed))
    pd.testing.assert_frame_equal(units(records), _reference_units(records), check_dtype=True)
