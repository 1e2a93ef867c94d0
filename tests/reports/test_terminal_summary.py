"""The terminal summary: the metric table rows, usage, REST+ grid, baseline flips and gate lines."""

from __future__ import annotations

from typing import Any

from pytest_restgate.core.gates import GateResult, check_count
from pytest_restgate.reports.terminal import COLUMNS, metric_lines, summary_lines


def summary_doc(cost: float | None = 0.0123, styles: dict[str, Any] | None = None) -> dict[str, Any]:
    soebench = {"n": 4, "rer": 0.75, "cfr": 0.25, "mmc": 1.0, "acc_text": 1.0, "acc_image": 0.75,
                "acc_mixed": 1.0, "cer_mean": 0.0125, "ocr_ok_n": 3, "ocr_ok_rer": 1.0, "n_errors": 1}
    return {
        "run": {"model": "reference", "model_id": "restgate/reference", "seed": 7},
        "primary_strategy": "direct",
        "tests": {"passed": 3, "inconsistent": 1, "errors": 1, "skipped": 0},
        "usage": {"calls": 20, "cache_hits": 8, "prompt_tokens": 1200, "completion_tokens": 340, "cost_usd": cost},
        "metrics": {"datasets": {"soebench": soebench}, "micro": soebench,
                    "macro": {**soebench, "n": None, "cfr": None}},
        "styles": styles,
    }


def test_metric_lines_align_every_row_under_the_header() -> None:
    lines = metric_lines(summary_doc()["metrics"])
    assert [line.split()[0] for line in lines] == ["dataset", "soebench", "all", "datasets"]
    assert len({len(line) for line in lines}) == 1  # fixed-width columns
    assert lines[1].split() == ["soebench", "4", "0.750", "0.250", "1.000", "1.000", "0.750", "1.000", "0.013",
                                "3", "1.000", "1"]
    assert lines[3].split()[3:6] == ["-", "0.750", "-"]  # macro n and CFR missing
    assert len(lines[0].split()) == 1 + len(COLUMNS)


def test_long_dataset_names_widen_the_name_column() -> None:
    name = "gsm-symbolic-p2-with-a-long-name"
    lines = metric_lines({"datasets": {name: {"n": 1}}, "micro": {}, "macro": None})
    assert lines[1].startswith(name + " ")
    assert len({len(line) for line in lines}) == 1


def test_summary_lines_hold_the_table_costs_gates_and_report_path() -> None:
    gates = [GateResult("min-rer", 0.8, 0.75, False), check_count("max-errors", 1, 1)]
    lines = summary_lines(summary_doc(), gates, None, "/tmp/run")
    assert lines[0] == ("model reference (restgate/reference), seed 7, strategy direct: 3 consistent, "
                        "1 inconsistent, 1 errors, 0 skipped")
    assert lines[1:5] == metric_lines(summary_doc()["metrics"])
    assert "calls 20 (8 cached), tokens 1200 prompt / 340 completion, cost $0.0123" in lines
    assert "gate FAIL min-rer: target 0.8, actual 0.7500, gap -0.0500" in lines
    assert "gate PASS max-errors: target 1, actual 1, over by 0" in lines
    assert lines[-1] == "report: /tmp/run/report.html  (results.jsonl, summary.json beside it)"


def test_unknown_cost_is_said_so() -> None:
    lines = summary_lines(summary_doc(cost=None), [], None, "run")
    assert any(line.endswith("cost unknown") for line in lines)
    assert not any(line.startswith("gate ") for line in lines)


def test_baseline_flips_and_rest_plus_grid() -> None:
    styles = {"grid": {"fonts": ["dejavu", "courier"], "dpis": [50, 200], "rer": [[0.5, 1.0], [None, 0.75]]},
              "cross_style": {"consistency": 0.5, "n": 2}}
    regression = {"newly_inconsistent": [{"item_id": "soebench/0003", "style": "dejavu-200dpi"}],
                  "newly_consistent": [], "n_compared": 4}
    lines = summary_lines(summary_doc(styles=styles), [], regression, "run")
    assert "REST+ RER by font x DPI 50dpi  200dpi" in lines
    assert "  dejavu     0.500   1.000" in lines
    assert "  courier        -   0.750" in lines
    assert "  same image answer under all styles: 0.500 of 2 items" in lines
    assert any(line.startswith("baseline: 1 newly inconsistent, 0 newly consistent (of 4 compared") for line in lines)
    assert "  regressed: soebench/0003 [dejavu-200dpi]" in lines


def test_failed_calls_by_class_get_one_line() -> None:
    doc = {**summary_doc(), "errors_by_kind": {"rate_limited": 2, "permanent": 1}}
    lines = summary_lines(doc, [], None, "run")
    assert "failed calls by class: 2 rate-limited, 1 permanent" in lines
    assert not any(line.startswith("failed calls by class") for line in summary_lines(summary_doc(), [], None, "r"))
