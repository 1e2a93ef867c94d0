"""Fresh SoEBench search: Hypothesis draws systems no model has seen, asserts cross-modal equivalence for each,
and shrinks a failure to a minimal inconsistent system.

Runs with `--fresh-examples N` (bounded by `--fresh-call-budget`). Every inconsistent system found is stored in
the response-cache folder and replayed first, as `test_fresh_replay[...]`, on every later run, so a release gate
re-checks every inconsistency found before.
"""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, Phase, given, seed, settings

from fixtures.evaluation.evaluate import Unit
from fixtures.evaluation.runtime import Runtime
from fixtures.evaluation.verdict import assert_consistent, raise_on_errors
from fixtures.items.fresh import CallBudget, ReplayStore, fresh_item
from fixtures.items.soebench import System
from fixtures.items.strategies import systems
from fixtures.settings import Settings
from renderers import REST_DEFAULT
from reports.records import RECORD_PROPERTY

pytestmark = [pytest.mark.fresh, pytest.mark.soebench]


def _evaluate(request: pytest.FixtureRequest, runtime: Runtime, system: System) -> Unit:
    unit = runtime.unit(fresh_item(system), REST_DEFAULT)
    request.node.user_properties.append((RECORD_PROPERTY, list(unit.records)))
    raise_on_errors(unit)
    return unit


def test_fresh_replay(request: pytest.FixtureRequest, fresh_replay: System, restgate_runtime: Runtime,
                      restgate_settings: Settings) -> None:
    """A system found inconsistent by an earlier fresh search, checked again."""
    assert_consistent(_evaluate(request, restgate_runtime, fresh_replay), restgate_settings.strategies[0])


def test_soebench_fresh(request: pytest.FixtureRequest, restgate_runtime: Runtime, restgate_settings: Settings,
                        fresh_budget: CallBudget, fresh_store: ReplayStore) -> None:
    """Draw fresh systems until one is inconsistent (then shrink it) or the examples or the budget run out."""
    failures: list[System] = []

    @seed(restgate_settings.seed)
    @settings(max_examples=restgate_settings.fresh_examples, database=None, deadline=None,
              phases=(Phase.generate, Phase.shrink), suppress_health_check=list(HealthCheck),
              report_multiple_bugs=False)
    @given(system=systems())
    def check(system: System) -> None:
        if not fresh_budget.take():
            return
        unit = _evaluate(request, restgate_runtime, system)
        try:
            assert_consistent(unit, restgate_settings.strategies[0])
        except pytest.fail.Exception:
            failures.append(system)
            raise

    try:
        check()
    finally:
        if failures:
            fresh_store.add(failures[-1], restgate_settings.model)  # Hypothesis re-runs the minimal one last
