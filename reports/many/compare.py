"""Two runs side by side: metric deltas with intervals, and the per-item flips on the units both asked.

Units are matched by `digest` (a digest of what was asked) when both runs carry it, so two runs of different
seeds or datasets can only match on identical questions; runs written before digests existed are matched by
(item_id, dataset, style, strategy), and the page says so.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from html import escape
from pathlib import Path
from typing import Any

import pandas as pd

from pytest_restgate.core.records import ANSWER_MODALITIES
from pytest_restgate.reports.many.charts import COLOURS, grouped_bars
from pytest_restgate.reports.many.figures import INTERVAL_OF, interval, run_figures
from pytest_restgate.reports.many.labels import label, short
from pytest_restgate.reports.many.pages import fmt, link, page, table
from pytest_restgate.reports.many.render import item_images
from pytest_restgate.reports.many.runs import Run, report_of, unit_frame
from pytest_restgate.reports.metrics import scored

ID_KEY = ["item_id", "dataset", "style", "strategy"]
DELTA_KEYS = ("rer", "cfr", "mmc", "ocr_ok_rer", "ocr_ok_cfr", "acc_text", "acc_image", "acc_mixed",
              "ocr_exact_share")


@dataclass(frozen=True)
class Comparison:
    """What changed from run `a` to run `b`."""

    a: Run
    b: Run
    matched_by: str
    n_shared: int
    n_only_a: int
    n_only_b: int
    deltas: dict[str, dict[str, Any]]
    flips: pd.DataFrame
    """Shared scored units whose consistency changed: columns `<field>_a`, `<field>_b`, `direction`."""


def newcombe(p1: float, n1: int, p2: float, n2: int) -> tuple[float, float] | None:
    """95% interval of p2 - p1 for independent proportions (Newcombe's hybrid score method from Wilson
    intervals): unlike Wald it stays inside [-1, 1] and does not collapse at 0 or 1."""
    from pytest_restgate.reports.stats import wilson_interval

    w1, w2 = wilson_interval(round(p1 * n1), n1), wilson_interval(round(p2 * n2), n2)
    if w1 is None or w2 is None:
        return None
    d = p2 - p1
    return (d - math.sqrt((p2 - w2[0]) ** 2 + (w1[1] - p1) ** 2),
            d + math.sqrt((w2[1] - p2) ** 2 + (p1 - w1[0]) ** 2))


def _deltas(fa: dict[str, Any], fb: dict[str, Any]) -> dict[str, dict[str, Any]]:
    out = {}
    for key in DELTA_KEYS:
        va, vb = fa.get(key), fb.get(key)
        na, nb = int(fa.get(INTERVAL_OF[key]) or 0), int(fb.get(INTERVAL_OF[key]) or 0)
        a, b = (None, None) if va is None or vb is None else (float(va), float(vb))
        out[key] = {"a": va, "b": vb, "n_a": na, "n_b": nb, "delta": None if a is None or b is None else b - a,
                    "ci_a": interval(fa, key), "ci_b": interval(fb, key),
                    "ci": newcombe(a, na, b, nb) if a is not None and b is not None and na and nb else None}
    return out


def compare(a: Run, b: Run) -> Comparison:
    """Deltas on each run's own pooled figures; flips on the units both runs scored."""
    ua, ub = unit_frame(a), unit_frame(b)
    use_digest = all("digest" in u and u["digest"].notna().all() for u in (ua, ub)) and not ua.empty
    key = ["digest"] if use_digest else ID_KEY
    merged = scored(ua).merge(scored(ub), on=key, how="inner", suffixes=("_a", "_b"))
    keys_a, keys_b = set(map(tuple, ua[key].astype(str).values)), set(map(tuple, ub[key].astype(str).values))
    if not merged.empty:
        was, now = merged["consistent_a"].astype(bool), merged["consistent_b"].astype(bool)
        flips = merged[was != now].copy()
        flips["direction"] = ["became inconsistent" if w else "became consistent"
                              for w in flips["consistent_a"].astype(bool)]
    else:
        flips = merged.assign(direction=pd.Series(dtype=object))
    for side in ("a", "b"):  # matched by digest: the id columns come from each side
        for col in ID_KEY:
            if col in key:
                flips[f"{col}_{side}"] = flips[col]
    deltas = _deltas(run_figures(ua)["pooled"], run_figures(ub)["pooled"])
    return Comparison(a, b, "digest" if use_digest else "id", len(merged), len(keys_a - keys_b),
                      len(keys_b - keys_a), deltas, flips.sort_values("direction", ascending=False))


def _sign(value: float | None) -> str:
    return "–" if value is None else f"{value:+.3f}"


def compare_lines(c: Comparison) -> list[str]:
    lines = [f"A {c.a.name} ({c.a.model})", f"B {c.b.name} ({c.b.model})",
             f"{c.n_shared} shared scored units (matched by {c.matched_by}); {c.n_only_a} only in A, "
             f"{c.n_only_b} only in B",
             f"{'figure':<18}{'A':>8}{'B':>8}{'B - A':>9}  95% interval of the difference"]
    for key, d in c.deltas.items():
        ci = "" if d["ci"] is None else f"[{d['ci'][0]:+.3f}, {d['ci'][1]:+.3f}]"
        lines.append(f"{short(key):<18}{fmt(d['a']):>8}{fmt(d['b']):>8}{_sign(d['delta']):>9}  {ci}")
    for direction in ("became inconsistent", "became consistent"):
        rows = c.flips[c.flips["direction"] == direction]
        lines.append(f"{len(rows)} unit(s) {direction} in B")
        for _, r in rows.head(30).iterrows():
            answers = " / ".join(f"{r.get(f'answer_{m}_a')}->{r.get(f'answer_{m}_b')}" for m in ANSWER_MODALITIES)
            lines.append(f"  {r['item_id_a']} [{r['style_a']}] gold {r['gold_a']}: text/image/mixed {answers}")
    return lines


def _answers(r: pd.Series, side: str) -> str:
    cells = []
    for m in ANSWER_MODALITIES:
        answer = r.get(f"answer_{m}_{side}")
        mark = "✓" if bool(r.get(f"correct_{m}_{side}")) else "✗"
        text = "<i>unparsed</i>" if answer is None or (isinstance(answer, float) and math.isnan(answer)) \
            else escape(str(answer))
        cells.append(f"{m}: <b>{text}</b> {mark}")
    return "<br>".join(cells)


def _report(run: Run, base: Path) -> str:
    report = report_of(run)
    return link(report, base, run.name) if report is not None else escape(run.name)


def compare_html(c: Comparison, base: Path) -> str:
    rows = []
    for key, d in c.deltas.items():
        ci = "–" if d["ci"] is None else f"[{d['ci'][0]:+.3f}, {d['ci'][1]:+.3f}]"
        rows.append([escape(label(key)), fmt(d["a"]), fmt(d["n_a"]), fmt(d["b"]), fmt(d["n_b"]),
                     f"<b>{_sign(d['delta'])}</b>", ci])
    chart = grouped_bars({"A " + c.a.model: {k: d["a"] for k, d in c.deltas.items()},
                          "B " + c.b.model: {k: d["b"] for k, d in c.deltas.items()}},
                         [("rer", "RER", COLOURS["rer"]), ("cfr", "CFR", COLOURS["cfr"]),
                          ("mmc", "MMC", COLOURS["mmc"]), ("ocr_ok_rer", "OCR-ok RER", "#64b5cd")],
                         title="A and B, pooled, with 95% Wilson intervals",
                         errors={"A " + c.a.model: {k: d["ci_a"] for k, d in c.deltas.items()},
                                 "B " + c.b.model: {k: d["ci_b"] for k, d in c.deltas.items()}})
    images, why = item_images(c.a, c.flips)
    flip_rows = []
    for _, r in c.flips.iterrows():
        picture = images.get((str(r["item_id_a"]), str(r["style_a"])))
        shown = f'<img class="item" alt="rendered item" src="data:image/png;base64,{picture}">' if picture \
            else f'<span class="none">{escape(why)}</span>'
        flip_rows.append([f"{escape(str(r['item_id_a']))}<br><span class=\"ci\">{escape(str(r['style_a']))}</span>",
                          escape(str(r["direction"])), escape(str(r["gold_a"])), _answers(r, "a"),
                          _answers(r, "b"), shown])
    flips = table(["unit", "change in B", "gold", "A answers", "B answers", "rendered item"], flip_rows,
                  ident="restgate-flips") if flip_rows else "<p>No shared unit changed its verdict.</p>"
    body = (
        f"<p>A: {_report(c.a, base)} · B: {_report(c.b, base)}"
        f"</p><p><b>{c.n_shared}</b> shared scored units, <b>matched by {escape(c.matched_by)}</b>"
        f"{' (these runs carry no unit digests)' if c.matched_by == 'id' else ''}; {c.n_only_a} only in A, "
        f"{c.n_only_b} only in B.</p>"
        + '<div class="flex">' + table(["figure", "A", "n A", "B", "n B", "B − A", "95% interval of B − A"], rows,
                                       ident="restgate-deltas") + chart + "</div>"
        + '<p class="note">Figures are each run\'s own pooled figures over its scored units (primary strategy, '
          "default rendering); the interval of the difference is Newcombe's hybrid score interval for two "
          "independent proportions.</p>"
        + f"<h2>Flips on shared units ({len(c.flips)})</h2>" + flips
    )
    return page(f"restgate compare: {c.a.model} vs {c.b.model}", f"A = {escape(c.a.name)}, B = {escape(c.b.name)}",
                body)
