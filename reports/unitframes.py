"""The pandas forms of the unit table, for callers that hold frames (reports/many, reports/representation, the
tests, the baseline gate): `units` as a frame, `summarise` per group, and `regressions` between two tables.

Why apart from reports/metrics.py: the figures themselves are computed once, in plain Python on unit rows
(reports/unitrows.py); these wrappers convert, and pandas is imported only when one of them is called, never at
the end of a run without a baseline.
"""

from __future__ import annotations

from typing import Any

import pandas as pd

from pytest_restgate.core.summary import UNIT_COLUMNS, UNIT_KEY
from pytest_restgate.reports.metrics import RATES, SUMMARY_KEYS, _rates, jsonable, summary, unit_rows
from pytest_restgate.reports.unitrows import Unit, as_rows, missing


def unit_frame(records: pd.DataFrame) -> pd.DataFrame:
    """`unit_rows` as a frame: answers of object dtype (None stays None), `ocr_cer` float (NaN when unknown)."""
    if records.empty:
        return pd.DataFrame({c: pd.Series(dtype=object) for c in UNIT_COLUMNS})
    rows = unit_rows(records)
    frame = pd.DataFrame({c: [r[c] for r in rows] for c in UNIT_COLUMNS})
    for column in UNIT_COLUMNS:
        if column.startswith("answer_"):  # pandas 3 would store None in a str column as NaN, and NaN is NaN
            frame[column] = pd.Series([r[column] for r in rows], dtype=object)
    frame["ocr_cer"] = pd.Series([r["ocr_cer"] for r in rows], dtype=float)
    if all(missing(r["gold"]) for r in rows):  # as pandas' groupby.first gives for a column with no value
        frame["gold"] = frame["gold"].astype(records["gold"].dtype)
    return frame


def summarise(records: pd.DataFrame, by: list[str] | None = None) -> pd.DataFrame:
    """One row of `summary` figures per group of units (one row overall without `by`); NaN where undefined."""
    u = unit_frame(records)
    if not by:
        return pd.DataFrame([summary(u)], columns=list(SUMMARY_KEYS))
    unknown = set(by) - set(u.columns)
    if unknown:
        raise ValueError(f"cannot group units by {sorted(unknown)}; unit columns are {list(UNIT_COLUMNS)}")
    rows = [{**dict(zip(by, keys, strict=True)), **summary(g)} for keys, g in u.groupby(by, sort=True)]
    return pd.DataFrame(rows, columns=[*by, *SUMMARY_KEYS])


def _unit_frame(rows: pd.DataFrame | list[Unit]) -> pd.DataFrame:
    frame = pd.DataFrame(rows)
    if frame.empty:
        return unit_frame(frame)
    missing_columns = set(UNIT_COLUMNS) - set(frame.columns)
    if missing_columns:
        raise ValueError(f"a unit table lacks the columns {sorted(missing_columns)}")
    return frame


def regressions(
    previous: pd.DataFrame | list[dict[str, Any]], current: pd.DataFrame | list[dict[str, Any]]
) -> dict[str, Any]:
    """What changed between two unit tables (e.g. last release vs this run), for the baseline gate.

    Flips and metric deltas are computed on the units present and scored in both, so a changed item set or
    new errors cannot pass for a change of behaviour; those are counted separately.
    """
    key = list(UNIT_KEY)
    previous, current = _unit_frame(previous), _unit_frame(current)
    merged = previous.merge(current, on=key, how="outer", suffixes=("_prev", "_cur"), indicator=True)
    both = merged[merged["_merge"] == "both"]
    bad = pd.Series(False, index=both.index)
    for side in ("_prev", "_cur"):
        bad |= both["errored" + side].astype(bool) | both["incomplete" + side].astype(bool)
    ok = both[~bad]

    def one_side(suffix: str) -> pd.DataFrame:
        cols = [c for c in ok.columns if c.endswith(suffix)]
        return ok[cols].rename(columns={c: c[: -len(suffix)] for c in cols})

    prev, cur = one_side("_prev"), one_side("_cur")
    was, now = prev["consistent"].astype(bool), cur["consistent"].astype(bool)

    def keys(mask: pd.Series) -> list[dict[str, Any]]:
        rows = ok.loc[mask, key].itertuples(index=False)
        return [jsonable(dict(zip(key, row, strict=True))) for row in rows]

    rp, rc = _rates(as_rows(prev)), _rates(as_rows(cur))
    deltas = {k: {"previous": rp[k], "current": rc[k],
                  "delta": None if rp[k] is None or rc[k] is None else rc[k] - rp[k]} for k in RATES}
    return jsonable({
        "n_previous": len(previous), "n_current": len(current), "n_compared": len(ok),
        "n_only_previous": int((merged["_merge"] == "left_only").sum()),
        "n_only_current": int((merged["_merge"] == "right_only").sum()), "n_excluded": int(bad.sum()),
        "newly_inconsistent": keys(was & ~now), "newly_consistent": keys(~was & now), "deltas": deltas,
    })



__all__ = ["regressions", "summarise", "unit_frame"]
