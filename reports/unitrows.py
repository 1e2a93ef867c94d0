"""The unit table in plain Python: one dict per unit (the columns of `UNIT_COLUMNS`), built from record dicts.

Why not pandas: the summary is built at the end of every run, and importing pandas (numpy and pyarrow with it)
cost about 0.4 s of CPU there, more than a warm rerun's whole test loop; a groupby + pivot over pandas 3's
Arrow-backed string columns also took 25-270 ms per unit table. The metric functions (reports/metrics.py,
reports/stats.py, ...) compute on these rows; callers holding a pandas frame pass it through `as_rows`.
Sums and standard deviations follow numpy's pairwise summation, so the figures equal the pandas ones bit for bit.
"""

from __future__ import annotations

import math
import sys
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from pytest_restgate.core.records import ANSWER_MODALITIES
from pytest_restgate.core.summary import UNIT_COLUMNS, UNIT_KEY

Unit = dict[str, Any]
REQUIRED = frozenset({*UNIT_KEY, "modality", "gold", "answer", "correct", "cer", "error"})
_BLOCK = 128
_ABSENT = object()
_PLAIN = frozenset({str, bool, int})


def missing(value: Any) -> bool:
    """None, NaN, or pandas' NA/NaT (only possible when pandas is loaded): a value the records do not have."""
    if value is None:
        return True
    if type(value) in _PLAIN:  # the common case first: this runs a few hundred thousand times per summary
        return False
    if isinstance(value, float):
        return math.isnan(value)
    pandas = sys.modules.get("pandas")  # getattr: a pandas half imported by another thread has no NA yet
    return pandas is not None and (value is getattr(pandas, "NA", _ABSENT) or value is getattr(pandas, "NaT", _ABSENT))


def flag(value: Any) -> bool:
    """True only for a real true value: a missing `correct` (None, NaN) counts as not solved."""
    return not missing(value) and bool(value)


def as_rows(table: Any) -> list[Unit]:
    """A list of row dicts as it is; a pandas frame (unit table or records) as its rows (NaN where missing)."""
    if isinstance(table, list):
        return table
    rows: list[Unit] = table.to_dict("records")
    return rows


def _rows_by_unit(records: Sequence[Mapping[str, Any]]) -> dict[tuple[Any, ...], dict[str, Any]]:
    """unit key -> {"rows": {modality: (answer, correct, cer)}, "gold": the first gold present, "errored": whether
    any row has an error}, over the last row of each (unit, modality), rows taken in their order."""
    keys = [tuple(None if missing(r.get(c)) else r.get(c) for c in UNIT_KEY) for r in records]
    last = {(k, r["modality"]): i for i, (k, r) in enumerate(zip(keys, records, strict=True))}
    grouped: dict[tuple[Any, ...], dict[str, Any]] = {}
    for i in sorted(last.values()):
        r = records[i]
        unit = grouped.setdefault(keys[i], {"gold": None, "errored": False, "rows": {}})
        unit["errored"] = unit["errored"] or (not missing(r["error"]) and str(r["error"]) != "")
        if missing(unit["gold"]) and not missing(r["gold"]):
            unit["gold"] = r["gold"]
        unit["rows"][r["modality"]] = (r["answer"], r["correct"], r["cer"])
    return grouped


def build_units(records: Sequence[Mapping[str, Any]]) -> list[Unit]:
    """One row per unit: its three answers, correctness, OCR CER (None when unknown) and the per-unit verdicts,
    sorted by unit key. A duplicated (unit, modality) row keeps the last one, as a re-run overwrites a call."""
    if records and not set(records[0]) >= REQUIRED:
        raise ValueError(f"records lack the columns {sorted(REQUIRED - set(records[0]))}")
    grouped = _rows_by_unit(records)
    out: list[Unit] = []
    for key in sorted(grouped, key=lambda k: tuple((missing(v), "" if missing(v) else v) for v in k)):
        unit = grouped[key]
        row: Unit = dict(zip(UNIT_KEY, key, strict=True))
        row["gold"] = unit["gold"]
        found = [unit["rows"].get(m) for m in ANSWER_MODALITIES]
        answers = [None if r is None or missing(r[0]) else str(r[0]) for r in found]
        row.update({f"answer_{m}": a for m, a in zip(ANSWER_MODALITIES, answers, strict=True)})
        correct = [r is not None and flag(r[1]) for r in found]
        row.update({f"correct_{m}": c for m, c in zip(ANSWER_MODALITIES, correct, strict=True)})
        ocr = unit["rows"].get("ocr")
        row["ocr_cer"] = None if ocr is None or missing(ocr[2]) else float(ocr[2])
        row["ocr_correct"] = row["ocr_cer"] == 0.0
        row["consistent"] = None not in answers and len(set(answers)) == 1
        row["solved_any"], row["solved_all"] = any(correct), all(correct)
        row["errored"], row["incomplete"] = unit["errored"], None in found
        out.append({c: row[c] for c in UNIT_COLUMNS})
    return out


def is_scored(unit: Mapping[str, Any]) -> bool:
    """A unit that counts: neither errored nor incomplete."""
    return not (flag(unit["errored"]) or flag(unit["incomplete"]))


def groups(rows: Iterable[Mapping[str, Any]], *columns: str, sort: bool = True) -> dict[Any, list[Any]]:
    """Rows by the value of `columns` (a tuple key for several, the value for one), as pandas' groupby: rows
    with a missing key are in no group; keys sorted, or in order of first appearance when not `sort`."""
    out: dict[Any, list[Any]] = {}
    if len(columns) == 1:  # the common case, without a key tuple per row
        for row in rows:
            value = row.get(columns[0])
            if not missing(value):
                out.setdefault(value, []).append(row)
    else:
        for row in rows:
            key = tuple(row.get(c) for c in columns)
            if not any(missing(k) for k in key):
                out.setdefault(key, []).append(row)
    return {k: out[k] for k in sorted(out)} if sort else out


def pairwise_sum(values: Sequence[float]) -> float:
    """numpy's float sum (pairwise, 8 accumulators in blocks of 128), so a mean equals pandas' to the last bit."""
    n = len(values)
    if n < 8:
        total = 0.0
        for v in values:
            total += v
        return total
    if n <= _BLOCK:
        acc = list(values[:8])
        i = 8
        while i < n - n % 8:
            for j in range(8):
                acc[j] += values[i + j]
            i += 8
        total = ((acc[0] + acc[1]) + (acc[2] + acc[3])) + ((acc[4] + acc[5]) + (acc[6] + acc[7]))
        for v in values[i:]:
            total += v
        return total
    half = n // 2
    half -= half % 8
    return pairwise_sum(values[:half]) + pairwise_sum(values[half:])


def mean(values: Sequence[float]) -> float:
    """numpy's mean of a non-empty sequence."""
    return pairwise_sum([float(v) for v in values]) / len(values)


def sample_sd(values: Sequence[float]) -> float:
    """numpy's std with ddof=1 of at least two values."""
    centre = mean(values)
    return math.sqrt(pairwise_sum([(v - centre) * (v - centre) for v in values]) / (len(values) - 1))


def median(values: Sequence[float]) -> float:
    """numpy's median of a non-empty sequence."""
    ordered = sorted(values)
    middle = len(ordered) // 2
    return ordered[middle] if len(ordered) % 2 else (ordered[middle - 1] + ordered[middle]) / 2


__all__ = ["Unit", "as_rows", "build_units", "flag", "groups", "is_scored", "mean", "median", "missing",
           "pairwise_sum", "sample_sd"]
