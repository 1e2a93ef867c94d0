"""Fresh SoEBench search: Hypothesis draws systems no model has seen, asserts cross-modal equivalence for each,
and shrinks a failure to a minimal inconsistent system.

Runs with `--fresh-examples N` (bounded by `--fresh-call-budget`). Every inconsistent system found is stored in
the response-cache folder and replayed first, as `test_fresh_replay[...]`, on every later run, so a release gate
re-checks every inconsistency found before. The search itself is `pytest_restgate.fixtures.evaluation.fresh_search`.
"""

from __future__ import annotations

import pytest

from pytest_restgate.fixtures.evaluation import fresh_search
from pytest_restgate.fixtures.evaluation.runtime import Runtime
from pytest_restgate.fixtures.items.fresh import CallBudget, ReplayStore
from pytest_restgate.fixtures.items.soebench import System
from pytest_restgate.fixtures.settings import Settings

pytestmark = [pytest.mark.fresh, pytest.mark.soebench]


def test_fresh_replay(request: pytest.FixtureRequest, fresh_replay: System, restgate_runtime: Runtime,
                      restgate_settings: Settings) -> None:
    """A system found inconsistent by an earlier fresh search, checked again."""
    fresh_search.replay(request.node, restgate_runtime, fresh_replay, restgate_settings)


def test_soebench_fresh(request: pytest.FixtureRequest, restgate_runtime: Runtime, restgate_settings: Settings,
                        fresh_budget: CallBudget, fresh_store: ReplayStore) -> None:
    """Draw fresh systems until one is inconsistent (then shrink it) or the examples or the budget run out."""
    fresh_search.search(request.node, restgate_runtime, restgate_settings, fresh_budget, fresh_store)
