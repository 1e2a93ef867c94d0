"""`restgate compare A B --format markdown`: the body of a PR comment, this run (B) against a release (A).

Why: the gate job of the CI workflow posts it on the pull request, so a reviewer sees what changed against the
last release's baseline (figures with the interval of each difference, and the units that flipped with both
runs' answers) without opening an artifact.
"""

from __future__ import annotations

import math
from typing import Any

import pandas as pd

from pytest_restgate.core.records import ANSWER_MODALITIES
from pytest_restgate.reports.many.compare import Comparison
from pytest_restgate.reports.markdown import ICONS, cell, table
from pytest_restgate.reports.release import recorded_verdict, release_verdict

LABELS = {"rer": "RER", "cfr": "CFR", "mmc": "MMC", "ocr_ok_rer": "RER, OCR-correct units",
          "ocr_ok_cfr": "CFR, OCR-correct units", "acc_text": "accuracy, text", "acc_image": "accuracy, image",
          "acc_mixed": "accuracy, mixed", "ocr_exact_share": "exact OCR share"}
TOP_FLIPS = 15
MARKER = "<!-- restgate-compare -->"
"""First line of the body: lets a workflow find and update its own earlier comment."""


def _num(value: Any, sign: bool = False) -> str:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "–"
    return f"{float(value):+.3f}" if sign else f"{float(value):.3f}"


def _answers(row: pd.Series, side: str) -> str:
    return " / ".join(cell(row.get(f"answer_{m}_{side}"), 24) for m in ANSWER_MODALITIES)


def compare_markdown(c: Comparison) -> str:
    """Verdict of B (as B showed it; for an older folder, when it was gated), the deltas table, then the flipped
    units (regressions first)."""
    doc = c.b.summary.doc
    verdict = recorded_verdict(doc) or (release_verdict(doc) if c.b.summary.gated else None)
    head = f"{ICONS[verdict.word]} {cell(verdict.line, 300)}" if verdict else "restgate comparison"
    lines = [MARKER, f"### {head}", "",
             f"**B** `{cell(c.b.name)}` ({cell(c.b.model)}) against **A** `{cell(c.a.name)}` ({cell(c.a.model)}): "
             f"{c.n_shared} shared scored units (matched by {c.matched_by}); {c.n_only_a} only in A, "
             f"{c.n_only_b} only in B.", ""]
    rows = []
    for key, d in c.deltas.items():
        ci = "–" if d["ci"] is None else f"[{d['ci'][0]:+.3f}, {d['ci'][1]:+.3f}]"
        rows.append([LABELS.get(key, key), _num(d["a"]), _num(d["b"]), f"**{_num(d['delta'], sign=True)}**", ci])
    lines += [*table(["figure", "A", "B", "B − A", "95% interval of B − A"], rows), ""]
    for direction in ("became inconsistent", "became consistent"):
        flips = c.flips[c.flips["direction"] == direction]
        lines.append(f"**{len(flips)} unit(s) {direction} in B**")
        if len(flips):
            shown = [[cell(r.get("item_id_a")), cell(r.get("style_a")), cell(r.get("gold_a"), 24), _answers(r, "a"),
                      _answers(r, "b")] for _, r in flips.head(TOP_FLIPS).iterrows()]
            lines += ["", *table(["item", "style", "gold", "A text / image / mixed", "B text / image / mixed"],
                                 shown)]
            if len(flips) > TOP_FLIPS:
                lines.append(f"… and {len(flips) - TOP_FLIPS} more (see the compare page)")
        lines.append("")
    return "\n".join(lines)


__all__ = ["MARKER", "compare_markdown"]
