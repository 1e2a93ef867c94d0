"""The HTML summary section and the per-test columns of the pytest-html report.

Everything shown comes from summary.json or from the records; model output is untrusted, so every string from a
model passes through `html.escape`. Charts are inline SVG (reports/svgbars.py): the report needs no script or file.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from html import escape
from typing import Any

from pytest_restgate.core.gates import GateResult
from pytest_restgate.core.records import ANSWER_MODALITIES
from pytest_restgate.core.untrusted import printable
from pytest_restgate.reports.cells import html_cell as _fmt
from pytest_restgate.reports.fidelity import fidelity_html
from pytest_restgate.reports.noise import noise_html, repeat_cells

MAX_RESPONSE_CHARS = 4000
"""A response longer than this is cut in the report (with a note and its size); results.jsonl keeps it whole.
A 1 MB reply embedded whole made an 8 MB report of two items."""

MODALITY_COLOURS = {"text": "#4c72b0", "image": "#dd8452", "mixed": "#55a868", "rer": "#8172b3"}
STYLE = """
<style>
.rg-table{border-collapse:collapse;margin:6px 0 14px;font-size:13px}
.rg-table th,.rg-table td{border:1px solid #ccc;padding:3px 8px;text-align:right;color:#111}
.rg-heatmap td{font-weight:600}
.rg-table th:first-child,.rg-table td:first-child{text-align:left}
.rg-table tr.rg-total td{font-weight:bold;background:#f4f4f4}
.rg-pass{color:#1a7f37;font-weight:bold}.rg-fail{color:#cf222e;font-weight:bold}
.rg-note{color:#555;font-size:12px;max-width:900px}
.rg-flex{display:flex;gap:24px;flex-wrap:wrap;align-items:flex-start}
.rg-pre{white-space:pre-wrap;max-height:320px;overflow:auto;background:#f7f7f7;border:1px solid #ddd;padding:6px}
</style>
"""


def _money(value: float | None) -> str:
    return "unknown" if value is None else f"${value:,.4f}"


METRIC_COLUMNS = (
    ("n", "n"), ("rer", "RER"), ("cfr", "CFR"), ("mmc", "MMC"),
    ("acc_text", "acc text"), ("acc_image", "acc image"), ("acc_mixed", "acc mixed"),
    ("cer_mean", "CER mean"), ("ocr_ok_n", "OCR-ok n"), ("ocr_ok_rer", "OCR-ok RER"),
    ("ocr_ok_cfr", "OCR-ok CFR"), ("ocr_ok_mmc", "OCR-ok MMC"), ("n_errors", "errors"),
)


def metric_table(metrics: dict[str, Any]) -> str:
    """Per-dataset rows, then the pooled (micro) and dataset-mean (macro) rows."""
    head = "".join(f"<th>{label}</th>" for _, label in METRIC_COLUMNS)
    rows = [
        f"<tr><td>{escape(name)}</td>" + "".join(f"<td>{_fmt(s.get(k))}</td>" for k, _ in METRIC_COLUMNS)
        + "</tr>"
        for name, s in metrics.get("datasets", {}).items()
    ]
    totals = [("all (micro)", "micro"), ("mean of datasets (macro)", "macro")]
    if metrics.get("paper"):
        totals.append(("paper's figure: OCR-correct subset, mean of datasets", "paper"))
    for label, key in totals:
        s = metrics.get(key) or {}
        rows.append(f'<tr class="rg-total"><td>{label}</td>'
                    + "".join(f"<td>{_fmt(s.get(k))}</td>" for k, _ in METRIC_COLUMNS) + "</tr>")
    return f'<table class="rg-table" id="restgate-metrics"><tr><th>dataset</th>{head}</tr>{"".join(rows)}</table>'


def bar_chart(metrics: dict[str, Any]) -> str:
    """Per dataset: accuracy of text, image and mixed, and RER, as grouped bars with 95% Wilson whiskers.

    Inline SVG written by hand (reports/svgbars.py): the report needs no script or file, and the run does not
    import matplotlib for four bars per dataset.
    """
    from pytest_restgate.reports.many.figures import interval
    from pytest_restgate.reports.svgbars import grouped_bars

    datasets = metrics.get("datasets", {})
    keys = (("acc_text", "acc text"), ("acc_image", "acc image"), ("acc_mixed", "acc mixed"), ("rer", "RER"))
    series = [(key, label, MODALITY_COLOURS[key.removeprefix("acc_")]) for key, label in keys]
    errors = {name: {key: interval(block, key) for key, _ in keys} for name, block in datasets.items()}
    return grouped_bars(datasets, series, title="Accuracy per modality and RER, per dataset", errors=errors).strip()


def _heat_colour(value: float | None, reverse: bool = False) -> str:
    if value is None:
        return "#eee"
    v = max(0.0, min(1.0, 1 - value if reverse else value))
    red, green = int(230 - 140 * v), int(90 + 130 * v)
    return f"rgb({red},{green},110)"


def heatmap(grid: dict[str, Any], key: str, title: str, reverse: bool = False, scale: float = 1.0) -> str:
    """A font x DPI table coloured by value (green good); `reverse` for error rates (low is good)."""
    fonts, dpis = grid.get("fonts", []), grid.get("dpis", [])
    values = grid.get(key) or []
    head = "".join(f"<th>{d} DPI</th>" for d in dpis)
    rows = []
    for f, row in zip(fonts, values, strict=False):
        cells = "".join(
            f'<td style="background:{_heat_colour(None if v is None else min(1.0, v / scale), reverse)}">'
            f"{_fmt(v)}</td>" for v in row
        )
        rows.append(f"<tr><td>{escape(f)}</td>{cells}</tr>")
    return (f'<div><b>{escape(title)}</b><table class="rg-table rg-heatmap" data-metric="{escape(key)}">'
            f'<tr><th>font</th>{head}</tr>{"".join(rows)}</table></div>')


def styles_section(styles: dict[str, Any]) -> str:
    """REST+: heatmaps of RER and OCR CER by font x DPI, the colour comparison, cross-style consistency."""
    grid = styles.get("grid", {})
    parts = ['<h3>REST+ renderings</h3><div class="rg-flex">',
             heatmap(grid, "rer", "RER by font × DPI"),
             heatmap(grid, "ocr_ok_rer", "RER on the OCR-correct subset"),
             heatmap(grid, "cer_mean", "OCR CER by font × DPI (lower is better)", reverse=True, scale=0.2),
             "</div>"]
    colour = styles.get("colour")
    if colour:
        rows = "".join(
            f"<tr><td>{label}</td><td>{_fmt(colour[k].get('n'))}</td><td>{_fmt(colour[k].get('rer'))}</td>"
            f"<td>{_fmt(colour[k].get('acc_image'))}</td><td>{_fmt(colour[k].get('cer_mean'))}</td>"
            f"<td>{_fmt(colour[k].get('ocr_ok_rer'))}</td></tr>"
            for label, k in (("coloured text", "coloured"), ("black twin", "black"))
        )
        parts.append('<b>Colour vs black (DejaVu Sans, 200 DPI)</b><table class="rg-table" id="restgate-colour">'
                     "<tr><th></th><th>n</th><th>RER</th><th>acc image</th><th>CER mean</th>"
                     f"<th>OCR-ok RER</th></tr>{rows}</table>")
    cross = styles.get("cross_style") or {}
    parts.append(f'<p class="rg-note">Across the styles, the image answer is the same under every rendering for '
                 f"{_fmt(cross.get('consistency'))} of {cross.get('n', 0)} items; CFR across styles "
                 f"{_fmt(cross.get('cfr'))} (among {cross.get('n_cfr', 0)} items solved under ≥1 style).</p>")
    return "".join(parts)


def _ci(block: dict[str, Any] | None) -> str:
    if not block or block.get("value") is None:
        return "–"
    return f"{block['value']:.3f} [{_fmt(block.get('low'))}, {_fmt(block.get('high'))}]"


def statistics_section(summary: dict[str, Any]) -> str:
    """Wilson intervals of the headline figures and the paired modality tests (McNemar, paired t)."""
    intervals = summary.get("intervals") or {}
    rows = "".join(
        f"<tr><td>{label}</td><td>{_ci(intervals.get(key))}</td>"
        f"<td>{_fmt((intervals.get(key) or {}).get('n'))}</td></tr>"
        for key, label in (("rer", "RER"), ("cfr", "CFR"), ("mmc", "MMC"))
    )
    parts = [f'<h3>Statistics</h3><div class="rg-flex"><table class="rg-table" id="restgate-intervals">'
             f"<tr><th>figure</th><th>value [95% Wilson CI]</th><th>n</th></tr>{rows}</table>"]
    tests = summary.get("modality_tests") or {}
    if tests:
        body = []
        for t in tests.values():
            mc, pt = t.get("mcnemar") or {}, t.get("paired_t") or {}
            body.append(
                f"<tr><td>{escape(str(t.get('a')))} vs {escape(str(t.get('b')))}</td><td>{_fmt(t.get('n'))}</td>"
                f"<td>{_ci(t.get('acc_a'))}</td><td>{_ci(t.get('acc_b'))}</td>"
                f"<td>{_fmt(mc.get('b01'))} / {_fmt(mc.get('b10'))}</td><td>{_fmt(mc.get('p_value'), 4)}</td>"
                f"<td>{_fmt(pt.get('mean_diff'))} [{_fmt(pt.get('ci_low'))}, {_fmt(pt.get('ci_high'))}]</td>"
                f"<td>{_fmt(pt.get('p_value'), 4)}</td><td>{_fmt(pt.get('d_z'))}</td></tr>"
            )
        parts.append('<div><b>Modality tests within this run (paired over items)</b>'
                     '<table class="rg-table" id="restgate-modality-tests"><tr><th>pair</th><th>n</th>'
                     "<th>acc a</th><th>acc b</th><th>discordant a✓b✗ / a✗b✓</th><th>McNemar exact p</th>"
                     "<th>mean diff [95% CI]</th><th>paired t p</th><th>d<sub>z</sub></th></tr>"
                     f"{''.join(body)}</table>"
                     '<p class="rg-note">The paper\'s t-tests pool models (one accuracy per model); compare runs '
                     "of several models for that test.</p></div>")
    parts.append("</div>")
    vision = summary.get("vision_tokens") or {}
    if vision:
        rows = "".join(
            f"<tr><td>{escape(style)}</td><td>{v.get('n')}</td><td>{_fmt(v.get('text_tokens_mean'), 1)}</td>"
            f"<td>{_fmt(v.get('image_tokens_mean'), 1)}</td><td>{_fmt(v.get('image_to_text_ratio'), 2)}</td></tr>"
            for style, v in vision.items()
        )
        parts.append('<b>Prompt tokens: image vs the same content as text</b><table class="rg-table" '
                     'id="restgate-vision-tokens"><tr><th>style</th><th>n</th><th>text prompt</th>'
                     f"<th>image prompt</th><th>image / text</th></tr>{rows}</table>")
    return "".join(parts)


def datasets_note(run: dict[str, Any]) -> str:
    """Where the items came from, what the paper's filters dropped, and datasets that could not be loaded."""
    lines = []
    for name, source in (run.get("sources") or {}).items():
        dropped = {r: n for r, n in (run.get("dropped") or {}).get(name, {}).items() if n}
        note = (" — dropped " + ", ".join(f"{n} {escape(r)}" for r, n in dropped.items())) if dropped else ""
        lines.append(f"<li><b>{escape(name)}</b>: {escape(str(source))}{note}</li>")
    lines += [f'<li class="rg-fail">{escape(name)} not loaded: {escape(why)}</li>'
              for name, why in (run.get("unavailable") or {}).items()]
    return f'<ul id="restgate-datasets">{"".join(lines)}</ul>' if lines else ""


def gates_section(gates: list[GateResult], regression: dict[str, Any] | None) -> str:
    parts = []
    if gates:
        items = "".join(
            f'<li class="{"rg-pass" if g.passed else "rg-fail"}">{escape(g.line)}</li>' for g in gates
        )
        parts.append(f'<h3>Release gate</h3><ul id="restgate-gates">{items}</ul>')
    if regression:
        flips = regression.get("newly_inconsistent", [])
        listed = "".join(f"<li>{escape(f['item_id'])} [{escape(str(f['style']))}]</li>" for f in flips[:50])
        parts.append(
            f"<h3>Against the baseline</h3><p>{len(flips)} item(s) became inconsistent, "
            f"{len(regression.get('newly_consistent', []))} became consistent "
            f"(compared {regression.get('n_compared', 0)}).</p><ul>{listed}</ul>"
        )
    return "".join(parts)


def summary_html(summary: dict[str, Any], gates: list[GateResult], regression: dict[str, Any] | None) -> str:
    """The block pytest-html shows above the results table."""
    run, usage, tests = summary.get("run", {}), summary.get("usage", {}), summary.get("tests", {})
    metrics = summary.get("metrics", {})
    errors = summary.get("errors", [])
    error_list = "".join(
        f"<li><code>{escape(e['test'])}</code>: {untrusted(e['message'])}</li>" for e in errors[:30]
    )
    parts = [
        STYLE,
        f"<h2>restgate: {escape(str(run.get('model', '?')))}</h2>",
        f'<p>model id <code>{escape(str(run.get("model_id", "?")))}</code> · seed {escape(str(run.get("seed")))}'
        f" · strategy {escape(str(summary.get('primary_strategy')))} · "
        f"{tests.get('passed', 0)} consistent, {tests.get('inconsistent', 0)} inconsistent, "
        f"<b>{tests.get('errors', 0)} errors</b> (excluded from the metrics), {tests.get('skipped', 0)} skipped</p>",
        f"<p>cost {_money(usage.get('cost_usd'))} · tokens {usage.get('prompt_tokens', 0):,} prompt / "
        f"{usage.get('completion_tokens', 0):,} completion · {usage.get('calls', 0)} calls, "
        f"{usage.get('cache_hits', 0)} from the response cache</p>",
        '<div class="rg-flex">', metric_table(metrics), bar_chart(metrics), "</div>",
        f'<p class="rg-note">{escape(metrics.get("notes", ""))}</p>',
        datasets_note(run),
    ]
    if error_list:
        total = tests.get("errors") or len(errors)
        shown = f" (the first {min(len(errors), 30)} listed)" if total > min(len(errors), 30) else ""
        parts.append(f"<details><summary>{total} error(s){shown}</summary><ul>{error_list}</ul></details>")
    parts.append(gates_section(gates, regression))
    parts.append(statistics_section(summary))
    parts.append(noise_html(summary.get("noise")))  # --repeats: RER beside its noise floor
    if summary.get("styles"):
        parts.append(styles_section(summary["styles"]))
    parts.append(fidelity_html(summary))
    return "".join(parts)


RESULT_HEADERS = ("Text", "Image", "Mixed", "Gold", "OCR CER")


def row_cells(records: Sequence[Mapping[str, Any]], strategy: str) -> list[str]:
    """The per-test columns: the three extracted answers, the gold answer and the OCR CER."""
    by = {r["modality"]: r for r in records if r["strategy"] == strategy and not r.get("repeat")}
    if not by:
        return [f'<td class="col-rg-{h.lower().replace(" ", "-")}"></td>' for h in RESULT_HEADERS]
    repeated = repeat_cells(records, strategy)  # --repeats: each modality's answers over the repeats

    def answer(m: str) -> str:
        r = by.get(m)
        if r is None:
            return "–"
        if r["error"]:
            return '<span class="rg-fail">error</span>'
        mark = "✓" if r["correct"] else "✗"
        return f"{untrusted(r['answer']) if r['answer'] is not None else '<i>unparsed</i>'} {mark}"

    gold = next(iter(by.values()))["gold"]
    cer = by.get("ocr", {}).get("cer")
    return [
        *(repeated or [f'<td class="col-rg-{m}">{answer(m)}</td>' for m in ANSWER_MODALITIES]),
        f'<td class="col-rg-gold">{escape(str(gold))}</td>',
        f'<td class="col-rg-ocr-cer">{_fmt(cer)}</td>',
    ]


def untrusted(text: str) -> str:
    """Provider text for HTML: control characters and escape sequences stripped, then escaped."""
    return escape(printable(text))


def clipped(text: str, limit: int = MAX_RESPONSE_CHARS) -> str:
    """Escaped provider text, cut at `limit` characters with a note of the full size."""
    if len(text) <= limit:
        return untrusted(text)
    size = len(text.encode("utf-8", "replace"))
    return (untrusted(text[:limit]) + f'<br><i class="rg-note">… truncated: {limit:,} of {len(text):,} characters '
            f"shown ({size:,} bytes); the full text is in results.jsonl</i>")


def responses_html(records: Sequence[Mapping[str, Any]]) -> str:
    """The raw responses of every call, cleaned, escaped and clipped, for the expanded row."""
    blocks = []
    for r in records:
        label = f"{r['modality']} ({r['strategy']}, {r['style']})" + (" · cached" if r["cached"] else "")
        label += f" · repeat {r['repeat']}" if r.get("repeat") else ""
        if r.get("sanitized"):
            label += " · unencodable characters replaced"
        body = clipped(r["error"] or r["response"] or "")
        blocks.append(f"<div><b>{escape(label)}</b><div class=\"rg-pre\">{body}</div></div>")
    return "".join(blocks)
