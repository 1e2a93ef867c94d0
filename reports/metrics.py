"""Metrics over units: RER, MMC, CFR, per-modality accuracy, OCR CER, the OCR-correct subset, REST+ styles.

Pure functions over the unit table in plain Python (reports/unitrows.py: one dict per unit), so the end of a
live run needs no pandas; each also takes a pandas frame (a `units` table, as reports/many and the tests hold)
and reads its rows. The evaluation unit is (item_id, dataset, style, strategy): one OCR row and one row per answer
modality. Units with an error are excluded from every metric but counted; so are incomplete units (an answer row
missing). The dicts meant for JSON give None where a figure is undefined (never NaN, never numpy scalars).
"""

from __future__ import annotations

import math
import sys
from collections.abc import Iterable, Mapping
from typing import TYPE_CHECKING, Any

from pytest_restgate.core.records import ANSWER_MODALITIES, OCR_OK, StyleFacts
from pytest_restgate.core.summary import UNIT_COLUMNS, UNIT_KEY
from pytest_restgate.reports.unitrows import Unit, as_rows, build_units, groups, is_scored, mean, median
from pytest_restgate.reports.unitrows import flag as _flag
from pytest_restgate.reports.unitrows import missing as _missing

if TYPE_CHECKING:
    from typing import TypeAlias

    import pandas as pd

    Table: TypeAlias = list[Unit] | pd.DataFrame

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

_PLAIN = frozenset({str, bool, int})


def jsonable(value: Any) -> Any:
    """The value with numpy scalars made Python ones and NaN/inf/NA made None, so json.dumps accepts it."""
    if value is None or type(value) in _PLAIN:  # most values of a summary: returned at once
        return value
    if isinstance(value, Mapping):
        return {str(k): jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [jsonable(v) for v in value]
    # a numpy scalar or pandas' NA exists only once numpy or pandas is loaded (getattr: another thread may be
    # importing it right now, its module still half initialised)
    numpy_scalar = getattr(sys.modules.get("numpy"), "generic", None)
    if numpy_scalar is not None and isinstance(value, numpy_scalar):
        value = value.item()
    if value is not None and not isinstance(value, float) and _missing(value):  # pandas' NA or NaT
        return None
    if isinstance(value, float) and not math.isfinite(value):
        return None
    return value


def units(records: pd.DataFrame) -> pd.DataFrame:
    """The unit table of a records frame as a pandas frame (`unit_rows` is the plain-Python form)."""
    from pytest_restgate.reports.unitframes import unit_frame

    return unit_frame(records)


def unit_rows(records: list[Mapping[str, Any]] | pd.DataFrame) -> list[Unit]:
    """One row dict per unit of the records (reports/unitrows.py `build_units`)."""
    return build_units(as_rows(records))


def scored(unit_table: Any) -> Any:
    """The units that count: neither errored nor incomplete (a list for a list, a frame for a frame)."""
    if isinstance(unit_table, list):
        return [u for u in unit_table if is_scored(u)]
    return unit_table[[is_scored(u) for u in as_rows(unit_table)]]


def _fraction(flags: list[bool]) -> float | None:
    return None if not flags else sum(flags) / len(flags)


def _rates(s: list[Unit]) -> dict[str, Any]:
    solved = [u for u in s if _flag(u["solved_any"])]
    return {
        "n": len(s), "rer": _fraction([_flag(u["consistent"]) for u in s]),
        "mmc": _fraction([_flag(u["solved_any"]) for u in s]),
        "n_cfr": len(solved), "cfr": _fraction([not _flag(u["solved_all"]) for u in solved]),
        **{f"acc_{m}": _fraction([_flag(u[f"correct_{m}"]) for u in s]) for m in ANSWER_MODALITIES},
    }


def summary(unit_table: Table) -> dict[str, Any]:
    """All figures of one group of units, on all scored units and on the OCR-correct subset (JSON-ready)."""
    rows = as_rows(unit_table)
    errored = [_flag(u["errored"]) for u in rows]
    s = scored(rows)
    cer = [float(u["ocr_cer"]) for u in s if not _missing(u["ocr_cer"])]
    out: dict[str, Any] = {
        "n_units": len(rows), "n_errors": sum(errored),
        "n_incomplete": sum(1 for u, e in zip(rows, errored, strict=True) if _flag(u["incomplete"]) and not e),
        **_rates(s),
        "n_cer": len(cer), "cer_mean": mean(cer) if cer else None,
        "cer_median": median(cer) if cer else None, "ocr_exact_share": _fraction([c == 0.0 for c in cer]),
    }
    out.update({OCR_OK + k: v for k, v in _rates([u for u in s if _flag(u["ocr_correct"])]).items()})
    return jsonable(out)


SUMMARY_KEYS: tuple[str, ...] = tuple(summary([]))


def summarise(records: pd.DataFrame, by: list[str] | None = None) -> pd.DataFrame:
    """One row of `summary` figures per group of units (one row overall without `by`); NaN where undefined."""
    from pytest_restgate.reports.unitframes import summarise as frames

    return frames(records, by)


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


def metrics_table(records: Any, unit_table: Table | None = None) -> dict[str, Any]:
    """Headline figures: micro (pooled units), macro (mean over datasets), per dataset, per strategy.
    `unit_table`: the records' units when the caller has them already (the run's summary builds them once)."""
    u = unit_rows(records) if unit_table is None else as_rows(unit_table)
    datasets = {str(k): summary(g) for k, g in groups(u, "dataset").items()}
    strategies = {str(k): summary(g) for k, g in groups(u, "strategy").items()}
    return jsonable({
        "notes": NOTES, "micro": summary(u), "macro": average(datasets.values()),
        "datasets": datasets, "strategies": strategies,
    })


def _cross_block(rs: list[tuple[bool, bool, bool, bool]]) -> dict[str, Any]:
    solved = [r for r in rs if r[1]]
    return {
        "n": len(rs), "consistency": _fraction([r[0] for r in rs]), "mmc": _fraction([r[1] for r in rs]),
        "n_cfr": len(solved), "cfr": _fraction([not r[2] for r in solved]),
    }


def cross_style(unit_table: Table, modality: str = "image") -> dict[str, Any]:
    """Consistency across renderings: per item (and strategy), is the answer the same under all its styles?

    An item with an errored or incomplete unit under any style is excluded (counted in n_errors), since
    "the same under all renderings" cannot be established; an item seen under one style only is not counted.
    `cfr` here is among items solved under >=1 style, the share not solved under all.
    """
    rows: list[tuple[bool, bool, bool, bool]] = []
    n_items = n_errors = n_single = 0
    for members in groups(as_rows(unit_table), "item_id", "dataset", "strategy", sort=False).values():
        n_items += 1
        if any(bool(u["errored"]) or bool(u["incomplete"]) for u in members):
            n_errors += 1
        elif len(members) < 2:
            n_single += 1
        else:
            answers = [None if _missing(u[f"answer_{modality}"]) else str(u[f"answer_{modality}"]) for u in members]
            correct = [bool(u[f"correct_{modality}"]) for u in members]
            same = None not in answers and len(set(answers)) == 1
            rows.append((same, any(correct), all(correct), all(bool(u["ocr_correct"]) for u in members)))
    ok = {OCR_OK + k: v for k, v in _cross_block([r for r in rows if r[3]]).items()}
    return jsonable({"modality": modality, "n_items": n_items, "n_errors": n_errors,
                     "n_single_style": n_single, **_cross_block(rows), **ok})


def style_table(records: Any, facts: Mapping[str, StyleFacts], unit_table: Table | None = None) -> dict[str, Any]:
    """REST+ figures: per style, per font (mean over DPIs), per DPI (mean over fonts), coloured vs black.

    `facts` (from the run info) says what each style is made of. Font and DPI averages use black styles only,
    so the coloured variant does not weigh DejaVu at 200 DPI twice; the colour comparison pools the coloured
    styles against their black twins (same font and DPI). Styles without facts appear under `styles` only.
    `unit_table`: the records' units when the caller has them already.
    """
    u = unit_rows(records) if unit_table is None else as_rows(unit_table)
    styles: dict[str, dict[str, Any]] = {}
    for name, g in groups(u, "style").items():
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
        "coloured": summary([r for r in u if r["style"] in coloured]),
        "black": summary([r for r in u if r["style"] in twins]),
    }
    cell = {(s["font"], s["dpi"]): s for s in black.values()}
    grid = {"fonts": fonts, "dpis": dpis, **{
        k: [[cell[(f, d)][k] if (f, d) in cell else None for d in dpis] for f in fonts]
        for k in ("rer", OCR_OK + "rer", "cer_mean", "acc_image")
    }}
    return jsonable({"notes": NOTES, "styles": styles, "fonts": by_font, "dpis": by_dpi, "colour": colour,
                     "grid": grid, "cross_style": cross_style(u)})


def units_records(unit_table: Table) -> list[dict[str, Any]]:
    """The unit table as JSON-ready rows: what a baseline file stores for `regressions`."""
    return [jsonable(r) for r in as_rows(unit_table)]


def regressions(previous: Table, current: Table) -> dict[str, Any]:
    """What changed between two unit tables (e.g. last release vs this run), for the baseline gate
    (reports/unitframes.py; pandas is imported there, only when a baseline is compared)."""
    from pytest_restgate.reports.unitframes import regressions as compare

    return compare(previous, current)


__all__ = ["AVERAGED", "NOTES", "RATES", "SUMMARY_KEYS", "UNIT_COLUMNS", "UNIT_KEY", "_flag", "_missing",
           "average", "cross_style", "jsonable", "metrics_table", "regressions", "scored", "style_table",
           "summarise", "summary", "unit_rows", "units", "units_records"]
