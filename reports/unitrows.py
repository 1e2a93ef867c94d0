"""The grouping under `metrics.units`: a records frame's rows by unit, in plain Python over the columns' values.

Why not pandas: a groupby + pivot over pandas 3's Arrow-backed string columns took 25-270 ms per unit table for
600 records, and the summary builds several at the end of every run; this takes a few milliseconds.
"""

from __future__ import annotations

import math
from typing import Any

import pandas as pd


def missing(value: Any) -> bool:
    """None, pandas' NA or NaN: a value the records do not have."""
    return value is None or value is pd.NA or (isinstance(value, float) and math.isnan(value))


def rows_by_unit(records: pd.DataFrame, names: tuple[str, ...]) -> dict[tuple[Any, ...], dict[str, Any]]:
    """`names`: the unit key's columns, then modality, gold, answer, correct, cer, error.

    unit key -> {"rows": {modality: (answer, correct, cer)}, "gold": the first gold present, "errored": whether
    any row has an error}, over the last row of each (unit, modality), rows taken in their order."""
    columns = {c: records[c].tolist() for c in names}
    key = names[:names.index("modality")]
    unit_keys = [tuple(None if missing(v) else v for v in k) for k in zip(*(columns[c] for c in key), strict=True)]
    last = {(k, m): i for i, (k, m) in enumerate(zip(unit_keys, columns["modality"], strict=True))}
    grouped: dict[tuple[Any, ...], dict[str, Any]] = {}
    for i in sorted(last.values()):
        unit = grouped.setdefault(unit_keys[i], {"gold": None, "errored": False, "rows": {}})
        error = columns["error"][i]
        unit["errored"] = unit["errored"] or (not missing(error) and str(error) != "")
        if missing(unit["gold"]) and not missing(columns["gold"][i]):
            unit["gold"] = columns["gold"][i]
        unit["rows"][columns["modality"][i]] = (columns["answer"][i], columns["correct"][i], columns["cer"][i])
    return grouped


__all__ = ["missing", "rows_by_unit"]
