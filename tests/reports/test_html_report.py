"""The HTML summary and per-test cells: model output and ids escaped, the metric table, heatmaps, row cells."""

from __future__ import annotations

import re
import time
from html.parser import HTMLParser
from typing import Any

from pytest_restgate.core.gates import GateResult, check_count
from pytest_restgate.reports import html
from pytest_restgate.reports.collector import Outcomes
from pytest_restgate.reports.summary import build_summary

SCRIPT = "<script>alert(1)</script>"


def record(item_id: str, modality: str, answer: str | None, *, dataset: str = "soebench", gold: str = "5",
           response: str = "Answer: 5", error: str | None = None, cer: float | None = 0.0,
           strategy: str = "direct", cached: bool = False) -> dict[str, Any]:
    is_ocr = modality == "ocr"
    return {
        "item_id": item_id, "dataset": dataset, "style": "dejavu-200dpi", "modality": modality,
        "strategy": strategy, "model": "reference", "gold": gold,
        "answer": None if is_ocr or error else answer,
        "correct": None if is_ocr or error else answer == gold, "response": response,
        "cer": cer if is_ocr and not error else None, "prompt_tokens": 100, "completion_tokens": 10,
        "cost_usd": 0.001, "latency_s": 0.5, "cached": cached, "error": error,
    }


def unit(item_id: str, dataset: str, answers: tuple[str | None, str | None, str | None],
         **kw: Any) -> list[dict[str, Any]]:
    return [record(item_id, "ocr", None, dataset=dataset, response="3A+2B=7", **kw)] + [
        record(item_id, m, a, dataset=dataset, **kw) for m, a in zip(("text", "image", "mixed"), answers, strict=True)
    ]


def small_summary() -> dict[str, Any]:
    records = [
        *unit("soebench/0001", "soebench", ("5", "5", "5")),
        *unit("soebench/0002", "soebench", ("5", "3", "5"), cer=0.1),
        *unit("mmlu/physics/0001", "mmlu", ("A", "A", None), gold="A"),
    ]
    records[-1]["response"] = SCRIPT  # the unparsed mixed answer of the mmlu item
    outcomes = Outcomes(passed=1, inconsistent=2, errors=[
        {"test": f"tests_rest/test_rest.py::test_rest[{SCRIPT}]", "when": "setup", "message": f"boom {SCRIPT}"}])
    run = {"model": "<b>model</b>", "model_id": "openai/<i>x</i>", "seed": 2512}
    return build_summary(records, outcomes, run, primary_strategy="direct", started=time.time())


class _Checker(HTMLParser):
    """Collects the tags of a fragment: an injected <script> would show up as one."""

    def __init__(self) -> None:
        super().__init__()
        self.tags: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append(tag)


def tags_of(fragment: str) -> list[str]:
    checker = _Checker()
    checker.feed(fragment)
    return checker.tags


def test_summary_html_escapes_model_output_ids_and_run_fields() -> None:
    gates = [GateResult(f"min-rer[{SCRIPT}]", 0.9, 0.5, False)]
    regression = {"newly_inconsistent": [{"item_id": SCRIPT, "style": "dejavu-200dpi"}],
                  "newly_consistent": [], "n_compared": 3}
    out = html.summary_html(small_summary(), gates, regression)
    assert "script" not in tags_of(out)
    assert SCRIPT not in out
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in out
    assert "<b>model</b>" not in out and "&lt;b&gt;model&lt;/b&gt;" in out
    assert "openai/&lt;i&gt;x&lt;/i&gt;" in out
    assert "1 consistent, 2 inconsistent, <b>1 errors</b>" in out
    assert "1 item(s) became inconsistent, 0 became consistent (compared 3)" in out


def test_metric_table_has_one_row_per_dataset_and_the_totals() -> None:
    summary = small_summary()
    table = html.metric_table(summary["metrics"])
    assert table.startswith('<table class="rg-table" id="restgate-metrics">')
    rows = re.findall(r"<tr[^>]*><td>([^<]*)</td>", table)
    assert rows == ["mmlu", "soebench", "all (micro)", "mean of datasets (macro)",
                    "paper's figure: OCR-correct subset, mean of datasets"]
    # soebench: 2 units, one consistent -> RER 0.500; both solved by text -> MMC 1.000, CFR 0.500.
    soebench_row = re.search(r"<tr><td>soebench</td>(.*?)</tr>", table)
    assert soebench_row is not None
    cells = re.findall(r"<td>([^<]*)</td>", soebench_row.group(1))
    assert cells[:4] == ["2", "0.500", "0.500", "1.000"]
    assert len(cells) == len(html.METRIC_COLUMNS)
    assert html.metric_table(summary["metrics"]) in html.summary_html(summary, [], None)


def test_metric_table_shows_a_dash_for_missing_figures() -> None:
    table = html.metric_table({"datasets": {"x": {"n": 0, "rer": None}}, "micro": None, "macro": {}})
    assert "<tr><td>x</td><td>0</td><td>–</td>" in table


def test_gate_lines_are_listed_with_pass_and_fail_classes() -> None:
    gates = [GateResult("min-rer", 0.8, 0.9, True), check_count("max-errors", 2, 0)]
    section = html.gates_section(gates, None)
    assert '<ul id="restgate-gates">' in section
    assert '<li class="rg-pass">PASS min-rer: target 0.8, actual 0.9000, gap +0.1000</li>' in section
    assert '<li class="rg-fail">FAIL max-errors: target 0, actual 2, over by 2</li>' in section
    assert html.gates_section([], None) == ""


def test_heatmap_cells_are_coloured_by_value() -> None:
    grid = {"fonts": ["dejavu", "<courier>"], "dpis": [50, 200], "rer": [[1.0, 0.0], [None, 0.5]],
            "cer_mean": [[0.1, 0.0], [0.4, None]]}
    out = html.heatmap(grid, "rer", "RER")
    assert 'data-metric="rer"' in out
    assert "<th>50 DPI</th><th>200 DPI</th>" in out
    assert "&lt;courier&gt;" in out and "<courier>" not in out
    cells = re.findall(r'<td style="background:([^"]+)">([^<]*)</td>', out)
    # green is good: 1.0 -> rgb(90,220,110), 0.0 -> rgb(230,90,110), 0.5 halfway, missing grey.
    assert cells == [("rgb(90,220,110)", "1.000"), ("rgb(230,90,110)", "0.000"), ("#eee", "–"),
                     ("rgb(160,155,110)", "0.500")]
    reverse = html.heatmap(grid, "cer_mean", "CER", reverse=True, scale=0.2)
    cells = re.findall(r'<td style="background:([^"]+)">([^<]*)</td>', reverse)
    # CER 0.1 of scale 0.2 is halfway; CER 0 is best (green); 0.4 is past the scale (red).
    assert cells == [("rgb(160,155,110)", "0.100"), ("rgb(90,220,110)", "0.000"), ("rgb(230,90,110)", "0.400"),
                     ("#eee", "–")]


def test_row_cells_show_answers_unparsed_errors_gold_and_cer() -> None:
    records = unit("soebench/0002", "soebench", ("5", "3", None), cer=0.125)
    records[2] = record("soebench/0002", "image", None, error="timeout")
    cells = html.row_cells(records, "direct")
    assert cells == [
        '<td class="col-rg-text">5 ✓</td>',
        '<td class="col-rg-image"><span class="rg-fail">error</span></td>',
        '<td class="col-rg-mixed"><i>unparsed</i> ✗</td>',
        '<td class="col-rg-gold">5</td>',
        '<td class="col-rg-ocr-cer">0.125</td>',
    ]
    assert len(cells) == len(html.RESULT_HEADERS)


def test_row_cells_escape_answers_and_pick_the_strategy() -> None:
    records = [record("x/1", m, "<A>", gold="<A>", cer=None) for m in ("text", "image", "mixed")]
    records += [record("x/1", "text", "B", strategy="ocr-first")]
    cells = html.row_cells(records, "direct")
    assert cells[0] == '<td class="col-rg-text">&lt;A&gt; ✓</td>'
    assert cells[3] == '<td class="col-rg-gold">&lt;A&gt;</td>'
    assert cells[4] == '<td class="col-rg-ocr-cer">–</td>'  # no OCR record
    assert html.row_cells(records, "ocr-first")[1] == '<td class="col-rg-image">–</td>'


def test_row_cells_without_records_are_empty_cells() -> None:
    assert html.row_cells([], "direct") == [
        '<td class="col-rg-text"></td>', '<td class="col-rg-image"></td>', '<td class="col-rg-mixed"></td>',
        '<td class="col-rg-gold"></td>', '<td class="col-rg-ocr-cer"></td>',
    ]


def test_responses_html_escapes_responses_and_errors() -> None:
    records = [record("x/1", "text", "5", response=f"I think {SCRIPT} Answer: 5", cached=True),
               record("x/1", "image", None, error=f"provider said {SCRIPT}")]
    out = html.responses_html(records)
    assert "script" not in tags_of(out)
    assert out.count("&lt;script&gt;alert(1)&lt;/script&gt;") == 2
    assert "<b>text (direct, dejavu-200dpi) · cached</b>" in out
    assert "<b>image (direct, dejavu-200dpi)</b>" in out


def test_styles_section_shows_the_grid_colour_and_cross_style() -> None:
    styles = {
        "grid": {"fonts": ["dejavu"], "dpis": [200], "rer": [[0.75]], "ocr_ok_rer": [[1.0]], "cer_mean": [[0.0]]},
        "colour": {"coloured": {"n": 4, "rer": 0.5, "acc_image": 0.25, "cer_mean": 0.01, "ocr_ok_rer": None},
                   "black": {"n": 4, "rer": 0.75, "acc_image": 0.5, "cer_mean": 0.0, "ocr_ok_rer": 1.0}},
        "cross_style": {"consistency": 0.5, "n": 2, "cfr": 0.0, "n_cfr": 1},
    }
    out = html.styles_section(styles)
    assert out.count('class="rg-table rg-heatmap"') == 3
    assert '<table class="rg-table" id="restgate-colour">' in out
    assert "<tr><td>coloured text</td><td>4</td><td>0.500</td><td>0.250</td><td>0.010</td><td>–</td></tr>" in out
    assert "the same under every rendering for 0.500 of 2 items" in out


def test_bar_chart_is_inline_svg_with_every_dataset_and_series() -> None:
    metrics = small_summary()["metrics"]
    svg = html.bar_chart(metrics)
    assert svg.startswith("<svg") and svg.endswith("</svg>")
    assert 'aria-label="Accuracy per modality and RER, per dataset"' in svg
    texts = re.findall(r"<text[^>]*>([^<]+)</text>", svg)
    assert {"mmlu", "soebench", "acc text", "acc image", "acc mixed", "RER"} <= set(texts)
    assert "Matplotlib" not in svg  # drawn by hand: the run does not import matplotlib at its end


def test_a_zero_bar_is_a_labelled_sliver_and_a_missing_one_is_blank() -> None:
    from pytest_restgate.reports.svgbars import grouped_bars

    series = [("acc_text", "text", "#4c72b0"), ("acc_image", "image", "#dd8452")]
    zero = grouped_bars({"soebench": {"acc_text": 0.0, "acc_image": 0.5}}, series, title="t",
                        errors={"soebench": {"acc_image": (0.3, 0.7)}})
    missing = grouped_bars({"soebench": {"acc_text": None, "acc_image": 0.5}}, series, title="t")
    label = re.compile(r"<text[^>]*>0</text>")
    assert len(label.findall(zero)) == 1 and not label.findall(missing)
    assert zero.count("<rect") == missing.count("<rect") + 1  # the zero bar's sliver; legend swatches in both
    assert zero.count("<path") == 1 and missing.count("<path") == 0  # the one whisker asked for
    assert "<title>0.500</title>" in zero
