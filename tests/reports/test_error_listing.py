"""summary.json lists the first errors and skips by name and only counts the rest, and every count that judges
the run (the max-errors gate, `--allow-budget-stop`, a merge of shards) still sees all of them."""

from __future__ import annotations

import json
import time
from pathlib import Path

from pytest_restgate.core.gates import BUDGET_MARK, GateResult
from pytest_restgate.core.judge import GateSpec, judge
from pytest_restgate.core.summary import from_json
from pytest_restgate.reports.collector import LISTED, Outcomes
from pytest_restgate.reports.many.merge import _outcomes
from pytest_restgate.reports.many.runs import Run
from pytest_restgate.reports.summary import build_summary


def _outage(errors: int, budget_every: int = 0) -> Outcomes:
    """`errors` errored tests with provider-length messages; every `budget_every`-th refused by the budget."""
    o = Outcomes(passed=3)
    for k in range(errors):
        message = (f"model: {BUDGET_MARK} (--max-cost)" if budget_every and k % budget_every == 0
                   else "model: APIConnectionError: " + "connection reset by peer; " * 12)
        o.add_error({"test": f"tests_rest/test_rest_plus.py::test_rest_plus[soebench/{k:05d}-dejavu-200dpi]",
                     "when": "setup", "message": message})
        o.add_skip({"test": f"t{k}", "reason": "dataset unavailable"})
    return o


def _summary(outcomes: Outcomes) -> dict[str, object]:
    return build_summary([], outcomes, {"model": "m"}, primary_strategy="direct", started=time.time())


def test_an_outage_lists_the_first_errors_and_counts_all_of_them() -> None:
    doc = _summary(_outage(15_000))
    assert len(doc["errors"]) == len(doc["skipped"]) == LISTED  # type: ignore[arg-type]
    assert (doc["errors_unlisted"], doc["skipped_unlisted"]) == (15_000 - LISTED, 15_000 - LISTED)
    assert doc["tests"] == {"passed": 3, "inconsistent": 0, "failed_other": 0, "errors": 15_000, "skipped": 15_000}
    assert len(json.dumps(doc)) < 200_000  # was about 5 MB with every message listed
    typed = from_json(doc)
    assert (len(typed.errors), typed.errors_unlisted) == (LISTED, 15_000 - LISTED)


def _max_errors(spec: GateSpec, doc: dict[str, object]) -> GateResult:
    return next(g for g in judge(spec, doc, None) if g.label == "max-errors")


def test_the_max_errors_gate_counts_the_unlisted_errors_and_the_budget_stop_leaves_out_every_refusal() -> None:
    doc = _summary(_outage(1_000, budget_every=4))  # 250 refused by the budget, 750 real errors
    gate = _max_errors(GateSpec(max_errors=999), doc)
    assert (gate.actual, gate.passed) == (1_000, False)
    gate = _max_errors(GateSpec(max_errors=750, allow_budget_stop=True), doc)
    assert (gate.actual, gate.passed) == (750, True)


def test_a_damaged_count_never_lowers_the_errors_the_list_shows() -> None:
    doc = {**_summary(_outage(10)), "errors_unlisted": -5, "errors_unlisted_budget": 10**6}
    assert _max_errors(GateSpec(max_errors=0), doc).actual == 10
    assert _max_errors(GateSpec(max_errors=0, allow_budget_stop=True), doc).actual == 10


def test_merged_shards_list_the_first_errors_and_count_every_shard(tmp_path: Path) -> None:
    shards = [Run(tmp_path / f"shard{k}", from_json(_summary(_outage(n, budget_every=5)))) for k, n in
              enumerate((150, 400))]
    merged = _outcomes(shards)
    assert (len(merged.errors), merged.errors_unlisted) == (LISTED, 550 - LISTED)
    assert merged.as_json()["errors"] == 550 and merged.as_json()["skipped"] == 550
    listed_budget = sum(BUDGET_MARK in e["message"] for e in merged.errors)
    assert listed_budget + merged.errors_unlisted_budget == 30 + 80  # every fifth of each shard
