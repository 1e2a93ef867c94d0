"""summary.json read as one typed value: the live builder's document, an older file, and damaged ones.

Why: every view over many runs reads `pytest_restgate.core.summary.Summary`; these check that the one builder's
document reads back whole, that a file written before a field existed still reads (gaps filled as the views
always did), and that a field of the wrong shape is one ValueError naming it (a listing skips that folder).
"""

from __future__ import annotations

import json
import time
from pathlib import Path
from typing import Any

import pytest

from pytest_restgate.core.evidence import digests_sha256, evidence
from pytest_restgate.core.records import Record
from pytest_restgate.core.summary import UNIT_COLUMNS, Completeness, from_json
from pytest_restgate.reports.collector import Outcomes
from pytest_restgate.reports.many.runs import summary_from_records
from pytest_restgate.reports.summary import build_summary


def _record(item: str, modality: str, answer: str | None, **extra: Any) -> Record:
    rec: dict[str, Any] = {
        "item_id": item, "dataset": "soebench", "style": "rest", "modality": modality, "strategy": "direct",
        "model": "m", "gold": "1", "answer": answer, "correct": None if modality == "ocr" else answer == "1",
        "response": "r", "cer": 0.0 if modality == "ocr" else None, "prompt_tokens": 10, "completion_tokens": 2,
        "cost_usd": 0.001, "latency_s": 0.1, "cached": False, "error": None, "finish_reason": "stop",
        "digest": f"{item:0>64}"[-64:].replace("/", "0"), "item_digest": "0" * 64, **extra,
    }
    return rec  # type: ignore[return-value]


def _records() -> list[Record]:
    out = []
    for item, image in (("soebench/0001", "1"), ("soebench/0002", "2")):
        out += [_record(item, "ocr", None), _record(item, "text", "1"), _record(item, "image", image),
                _record(item, "mixed", "1")]
    return out


def test_the_builders_document_reads_back_as_the_typed_summary(tmp_path: Path) -> None:
    records = _records()
    run = {"model": "m", "model_id": "openai/m", "seed": 7, "datasets": ["soebench"], "shard": "1/2",
           "strategies": ["direct"], "default_style": "rest", "versions": {"restgate": "9"}}
    doc = build_summary(records, Outcomes(passed=1, inconsistent=1), run, primary_strategy="direct",
                        started=time.time())
    (tmp_path / "results.jsonl").write_text("".join(json.dumps(r) + "\n" for r in records))
    doc.update({"evidence": evidence(tmp_path / "results.jsonl", records), "complete": True, "planned": 2,
                "finished": 2, "gate_passed": True, "gates": [{"name": "rer"}]})
    s = from_json(json.loads(json.dumps(doc)))
    assert (s.run.model, s.run.model_id, s.run.seed, s.run.datasets, s.run.shard) == (
        "m", "openai/m", 7, ("soebench",), "1/2")
    assert s.run.setting("versions.restgate") == "9" and s.run.setting("versions.nothing") is None
    assert s.metrics.micro["n_units"] == 2 and s.metrics.micro["rer"] == 0.5
    assert s.metrics.paper is not None and "soebench" in s.metrics.datasets
    assert (s.tests.passed, s.tests.inconsistent) == (1, 1) and s.usage.calls == 8
    assert (s.completeness.complete, s.completeness.planned, s.completeness.finished) == (True, 2, 2)
    assert s.gate_passed is True and s.gated and s.primary_strategy == "direct"
    assert [u["item_id"] for u in s.units] == ["soebench/0001", "soebench/0002"]
    assert set(UNIT_COLUMNS) <= set(s.units[0])
    assert s.evidence is not None and s.evidence.units == 2
    assert s.evidence.units_sha256 == digests_sha256(r["digest"] for r in records)
    assert s.report_html == "report.html" and s.rebuilt_from is None


def test_a_run_rebuilt_from_its_records_goes_through_the_same_builder(tmp_path: Path) -> None:
    folder = tmp_path / "20260101-120000-m"
    folder.mkdir()
    s = summary_from_records(_records(), folder)
    assert s.rebuilt_from == "results.jsonl" and s.gate_passed is None and s.duration_s is None
    assert s.run.model == "m" and s.metrics.micro["n_units"] == 2 and len(s.units) == 2
    assert s.doc["schema"] == build_summary(_records(), Outcomes(), {"model": "m"}, primary_strategy="direct",
                                            started=0.0)["schema"]


def test_an_older_summary_reads_with_its_gaps_filled() -> None:
    digests = ["b" * 64, "a" * 64, "a" * 64]
    s = from_json({"run": {"model": "m"}, "metrics": {}, "paper_figure": {"rer": 0.5},
                   "evidence": {"results_sha256": "f" * 64, "unit_digests": digests}})
    assert s.completeness.complete is None and s.completeness.planned is None
    assert s.metrics.paper == {"rer": 0.5} and s.metrics.micro == {}
    assert s.evidence is not None and s.evidence.units == 2 and s.evidence.units_sha256 == digests_sha256(digests)
    assert s.usage.cost_usd is None and s.usage.budget_exhausted == 0 and s.plan.units is None
    assert from_json({"report_html": None}).report_html is None


@pytest.mark.parametrize(("doc", "named"), [
    ({"run": 5}, "run"),
    ({"metrics": {"micro": {"rer": "high"}}}, "metrics.micro"),
    ({"run": {"shard": 2}}, "run.shard"),
    ({"units": [{"item_id": 1}]}, "units"),
    ({"planned": "all"}, "planned"),
    ({"evidence": []}, "evidence"),
])
def test_a_field_of_the_wrong_shape_is_one_error_naming_it(doc: dict[str, Any], named: str) -> None:
    with pytest.raises(ValueError, match=f"wrong type of {named}"):
        from_json(doc)


def test_a_live_runs_completeness_reads_back_the_same_from_its_file() -> None:
    cases = [(Completeness.of(5, 5, None), (True, None)), (Completeness.of(5, 3, None), (False, "not every unit "
             "finished")), (Completeness.of(5, 5, "interrupted (Ctrl-C)"), (False, "interrupted (Ctrl-C)"))]
    for made, (complete, reason) in cases:
        assert (made.complete, made.incomplete_reason) == (complete, reason)
        assert from_json({"schema": 1, **made.as_json()}).completeness == made
