"""Metrics over records: RER, MMC, CFR, per-modality accuracy, OCR CER, the OCR-correct subset, REST+ styles.

Pure functions over a pandas frame of `Record`s (one row per model call), so the same code serves the live
run, a `results.jsonl` read back later and the hand-computed tables in the tests. The evaluation unit is
(item_id, dataset, style, strategy): one OCR row and one row per answer modality. Units with an error are
excluded from every metric but counted; so are incomplete units (an answer row missing). Frames give NaN
where a figure is undefined; the dicts meant for JSON give None (never NaN, never numpy scalars).
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from typing import Any

import numpy as np
import pandas as pd

from pytest_restgate.core.records import ANSWER_MODALITIES, OCR_OK, StyleFacts
from pytest_restgate.core.summary import UNIT_COLUMNS, UNIT_KEY
from pytest_restgate.reports.unitrows import missing as _missing
from pytest_restgate.reports.unitrows import rows_by_unit

RATES: tuple[str, ...] = ("rer", "mmc", "cfr", *(f"acc_{m}" for m in ANSWER_MODALITIES))
CER_STATS: tuple[str, ...] = ("cer_mean", "cer_median", "ocr_exact_share")
AVERAGED: tuple[str, ...] = (*RATES, *CER_STATS, *(OCR_OK + k for k in RATES))
"""The figures that macro averages (over datasets, over DPIs, over fonts) take the mean of."""
NOTES = (
    "Units with an error or a missing answer row are excluded from every figure and counted. "
    "rer: text, image and mixed answers identical (an unparsed answer equals nothing). "
    "mmc: solved in >=1 modality. cfr: among mmc units, share not solved in all three; null when n_cfr is 0. "
    "CER: jiwer on text with all whitespace removed. ocr_ok_*: units whose OCR CER is 0. "
    "macro: unweighted mean over datasets of each figure, skipping datasets where it is null."
)
_REQUIRED = frozenset({*UNIT_KEY, "modality", "gold", "answer", "correct", "cer", "error"})


def jsonable(value: Any) -> Any:
    """The value with numpy scalars made Python ones and NaN/inf/NA made None, so json.dumps accepts it."""
    if isinstance(value, Mapping):
        return {str(k): jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [jsonable(v) for v in value]
    if isinstance(value, np.generic):
        value = value.item()
    if value is pd.NA or value is pd.NaT or (isinstance(value, float) and not math.isfinite(value)):
        return None
    return value


def _flag(value: Any) -> bool:
    """True only for a real true value: a missing `correct` (None, NaN) counts as not solved."""
    return not _missing(value) and bool(value)


def units(records: pd.DataFrame) -> pd.DataFrame:
    """One row per unit: its three answers, correctness, OCR CER and the per-unit verdicts, sorted by unit key.

    A duplicated (unit, modality) row keeps the last one, as a re-run would overwrite the earlier call. Built in
    plain Python over the columns' values: a pandas groupby + pivot on pandas 3's Arrow-backed string columns took
    0.27 s for 600 records, and the summary needs several unit tables at the end of every run.
    """
    if records.empty:
        return pd.DataFrame({c: pd.Series(dtype=object) for c in UNIT_COLUMNS})
    missing = _REQUIRED - set(records.columns)
    if missing:
        raise ValueError(f"records lack the columns {sorted(missing)}")
    grouped = rows_by_unit(records, (*UNIT_KEY, "modality", "gold", "answer", "correct", "cer", "error"))
    keys = sorted(grouped, key=lambda k: tuple((_missing(v), "" if _missing(v) else v) for v in k))
    out: dict[str, Any] = {name: [k[n] for k in keys] for n, name in enumerate(UNIT_KEY)}
    out["gold"] = [grouped[k]["gold"] for k in keys]
    answers: list[list[str | None]] = []
    present = [True] * len(keys)
    for m in ANSWER_MODALITIES:
        rows = [grouped[k]["rows"].get(m) for k in keys]
        answers.append([None if r is None or _missing(r[0]) else str(r[0]) for r in rows])
        # object dtype: pandas 3 would store None in a str column as NaN, and NaN is NaN.
        out[f"answer_{m}"] = pd.Series(answers[-1], dtype=object)
        out[f"correct_{m}"] = [r is not None and _flag(r[1]) for r in rows]
        present = [p and r is not None for p, r in zip(present, rows, strict=True)]
    ocr = [grouped[k]["rows"].get("ocr") for k in keys]
    out["ocr_cer"] = np.array([np.nan if r is None or _missing(r[2]) else float(r[2]) for r in ocr], dtype=float)
    out["ocr_correct"] = out["ocr_cer"] == 0.0
    out["consistent"] = [None not in row and len(set(row)) == 1 for row in zip(*answers, strict=True)]
    correct = [out[f"correct_{m}"] for m in ANSWER_MODALITIES]
    out["solved_any"] = [any(c) for c in zip(*correct, strict=True)]
    out["solved_all"] = [all(c) for c in zip(*correct, strict=True)]
    out["errored"] = [grouped[k]["errored"] for k in keys]
    out["incomplete"] = [not p for p in present]
    frame = pd.DataFrame(out)
    if all(_missing(g) for g in out["gold"]):  # as pandas' groupby.first gives for a column with no value
        frame["gold"] = frame["gold"].astype(records["gold"].dtype)
    return frame[list(UNIT_COLUMNS)]


def scored(unit_frame: pd.DataFrame) -> pd.DataFrame:
    """The units that count: neither errored nor incomplete."""
    return unit_frame[~(unit_frame["errored"].astype(bool) | unit_frame["incomplete"].astype(bool))]


def _share(mask: pd.Series) -> float | None:
    return None if len(mask) == 0 else float(mask.astype(bool).sum()) / len(mask)


def _fraction(flags: list[bool]) -> float | None:
    return None if not flags else sum(flags) / len(flags)


def _rates(s: pd.DataFrame) -> dict[str, Any]:
    solved = s[s["solved_any"].astype(bool)]
    return {
        "n": len(s), "rer": _share(s["consistent"]), "mmc": _share(s["solved_any"]),
        "n_cfr": len(solved), "cfr": _share(~solved["solved_all"].astype(bool)),
        **{f"acc_{m}": _share(s[f"correct_{m}"]) for m in ANSWER_MODALITIES},
    }


def summary(unit_frame: pd.DataFrame) -> dict[str, Any]:
    """All figures of one group of units, on all scored units and on the OCR-correct subset (JSON-ready)."""
    errored = unit_frame["errored"].astype(bool)
    s = scored(unit_frame)
    cer = s["ocr_cer"].astype(float).dropna()
    out: dict[str, Any] = {
        "n_units": len(unit_frame), "n_errors": int(errored.sum()),
        "n_incomplete": int((unit_frame["incomplete"].astype(bool) & ~errored).sum()),
        **_rates(s),
        "n_cer": len(cer), "cer_mean": float(cer.mean()) if len(cer) else None,
        "cer_median": float(cer.median()) if len(cer) else None, "ocr_exact_share": _share(cer.eq(0.0)),
    }
    out.update({OCR_OK + k: v for k, v in _rates(s[s["ocr_correct"].astype(bool)]).items()})
    return jsonable(out)


SUMMARY_KEYS: tuple[str, ...] = tuple(summary(units(pd.DataFrame())))


def summarise(records: pd.DataFrame, by: list[str] | None = None) -> pd.DataFrame:
    """One row of `summary` figures per group of units (one row overall without `by`); NaN where undefined."""
    u = units(records)
    if not by:
        return pd.DataFrame([summary(u)], columns=list(SUMMARY_KEYS))
    unknown = set(by) - set(u.columns)
    if unknown:
        raise ValueError(f"cannot group units by {sorted(unknown)}; unit columns are {list(UNIT_COLUMNS)}")
    rows = [{**dict(zip(by, keys, strict=True)), **summary(g)} for keys, g in u.groupby(by, sort=True)]
    return pd.DataFrame(rows, columns=[*by, *SUMMARY_KEYS])


def average(summaries: Iterable[Mapping[str, Any]]) -> dict[str, Any]:
    """Unweighted mean of each figure over groups (None skipped), with the groups' counts summed."""
    group = list(summaries)
    out: dict[str, Any] = {"n_groups": len(group)}
    for k in ("n_units", "n_errors", "n_incomplete", "n", "n_cfr", "n_cer", OCR_OK + "n", OCR_OK + "n_cfr"):
        out[k] = sum(int(s.get(k) or 0) for s in group)
    for k in AVERAGED:
        values = [float(s[k]) for s in group if s.get(k) is not None]
        out[k] = sum(values) / len(values) if values else None
    return out


def metrics_table(records: pd.DataFrame, unit_frame: pd.DataFrame | None = None) -> dict[str, Any]:
    """Headline figures: micro (pooled units), macro (mean over datasets), per dataset, per strategy.
    `unit_frame`: `units(records)` when the caller has it already (the run's summary builds it once)."""
    u = units(records) if unit_frame is None else unit_frame
    datasets = {str(k[0]): summary(g) for k, g in u.groupby(["dataset"], sort=True)}
    strategies = {str(k[0]): summary(g) for k, g in u.groupby(["strategy"], sort=True)}
    return jsonable({
        "notes": NOTES, "micro": summary(u), "macro": average(datasets.values()),
        "datasets": datasets, "strategies": strategies,
    })


def cross_style(unit_frame: pd.DataFrame, modality: str = "image") -> dict[str, Any]:
    """Consistency across renderings: per item (and strategy), is the answer the same under all its styles?

    An item with an errored or incomplete unit under any style is excluded (counted in n_errors), since
    "the same under all renderings" cannot be established; an item seen under one style only is not counted.
    `cfr` here is among items solved under >=1 style, the share not solved under all.
    """
    rows: list[tuple[bool, bool, bool, bool]] = []
    n_items = n_errors = n_single = 0
    column = {name: unit_frame[name].tolist() for name in
              ("item_id", "dataset", "strategy", "errored", "incomplete", f"answer_{modality}",
               f"correct_{modality}", "ocr_correct")}
    groups: dict[tuple[Any, ...], list[int]] = {}
    for n, key in enumerate(zip(column["item_id"], column["dataset"], column["strategy"], strict=True)):
        if not any(_missing(k) for k in key):  # as pandas' groupby: a unit without its key is in no group
            groups.setdefault(key, []).append(n)
    # plain Python over the columns: a pandas groupby took 0.1 s of every REST+ run's end at 1,500 units
    for members in groups.values():
        n_items += 1
        if any(bool(column["errored"][n]) or bool(column["incomplete"][n]) for n in members):
            n_errors += 1
        elif len(members) < 2:
            n_single += 1
        else:
            answers = [None if _missing(a) else str(a) for a in (column[f"answer_{modality}"][n] for n in members)]
            correct = [bool(column[f"correct_{modality}"][n]) for n in members]
            same = None not in answers and len(set(answers)) == 1
            ocr_ok = all(bool(column["ocr_correct"][n]) for n in members)
            rows.append((same, any(correct), all(correct), ocr_ok))

    def block(rs: list[tuple[bool, bool, bool, bool]]) -> dict[str, Any]:
        solved = [r for r in rs if r[1]]
        return {
            "n": len(rs), "consistency": _fraction([r[0] for r in rs]), "mmc": _fraction([r[1] for r in rs]),
            "n_cfr": len(solved), "cfr": _fraction([not r[2] for r in solved]),
        }

    ok = {OCR_OK + k: v for k, v in block([r for r in rows if r[3]]).items()}
    return jsonable({"modality": modality, "n_items": n_items, "n_errors": n_errors,
                     "n_single_style": n_single, **block(rows), **ok})


def style_table(records: pd.DataFrame, facts: Mapping[str, StyleFacts],
                unit_frame: pd.DataFrame | None = None) -> dict[str, Any]:
    """REST+ figures: per style, per font (mean over DPIs), per DPI (mean over fonts), coloured vs black.

    `facts` (from the run info) says what each style is made of. Font and DPI averages use black styles only,
    so the coloured variant does not weigh DejaVu at 200 DPI twice; the colour comparison pools the coloured
    styles against their black twins (same font and DPI). Styles without facts appear under `styles` only.
    `unit_frame`: `units(records)` when the caller has it already.
    """
    u = units(records) if unit_frame is None else unit_frame
    styles: dict[str, dict[str, Any]] = {}
    for (name,), g in u.groupby(["style"], sort=True):
        known = facts.get(str(name))
        styles[str(name)] = {"font": known["font"] if known else None, "dpi": known["dpi"] if known else None,
                             "coloured": known["coloured"] if known else None, **summary(g)}
    black = {n: s for n, s in styles.items() if s["font"] is not None and not s["coloured"]}
    fonts = sorted({s["font"] for s in black.values()})
    dpis = sorted({s["dpi"] for s in black.values()})
    by_font = {f: {**average(s for s in black.values() if s["font"] == f),
                   "dpis": sorted(s["dpi"] for s in black.values() if s["font"] == f)} for f in fonts}
    by_dpi = {str(d): {**average(s for s in black.values() if s["dpi"] == d),
                       "fonts": sorted(s["font"] for s in black.values() if s["dpi"] == d)} for d in dpis}
    coloured = [n for n, s in styles.items() if s["coloured"]]
    twins = sorted({n for n, s in black.items()
                    if any((s["font"], s["dpi"]) == (styles[c]["font"], styles[c]["dpi"]) for c in coloured)})
    colour = None if not coloured else {
        "coloured_styles": coloured, "black_styles": twins,
        "coloured": summary(u[u["style"].isin(coloured)]), "black": summary(u[u["style"].isin(twins)]),
    }
    cell = {(s["font"], s["dpi"]): s for s in black.values()}
    grid = {"fonts": fonts, "dpis": dpis, **{
        k: [[cell[(f, d)][k] if (f, d) in cell else None for d in dpis] for f in fonts]
        for k in ("rer", OCR_OK + "rer", "cer_mean", "acc_image")
    }}
    return jsonable({"notes": NOTES, "styles": styles, "fonts": by_font, "dpis": by_dpi, "colour": colour,
                     "grid": grid, "cross_style": cross_style(u)})


def units_records(unit_frame: pd.DataFrame) -> list[dict[str, Any]]:
    """The unit table as JSON-ready rows: what a baseline file stores for `regressions`."""
    return [jsonable(r) for r in unit_frame.to_dict("records")]


def _unit_frame(rows: pd.DataFrame | list[dict[str, Any]]) -> pd.DataFrame:
    frame = pd.DataFrame(rows)
    if frame.empty:
        return units(frame)
    missing = set(UNIT_COLUMNS) - set(frame.columns)
    if missing:
        raise ValueError(f"a unit table lacks the columns {sorted(missing)}")
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

    rp, rc = _rates(prev), _rates(cur)
    deltas = {k: {"previous": rp[k], "current": rc[k],
                  "delta": None if rp[k] is None or rc[k] is None else rc[k] - rp[k]} for k in RATES}
    return jsonable({
        "n_previous": len(previous), "n_current": len(current), "n_compared": len(ok),
        "n_only_previous": int((merged["_merge"] == "left_only").sum()),
        "n_only_current": int((merged["_merge"] == "right_only").sum()), "n_excluded": int(bad.sum()),
        "newly_inconsistent": keys(was & ~now), "newly_consistent": keys(~was & now), "deltas": deltas,
    })
