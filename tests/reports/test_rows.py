"""Which tests the results table lists: all in a small run; in a large one what did not pass, passed ones counted."""

from __future__ import annotations

from types import SimpleNamespace
from typing import Any, cast

import pytest

from pytest_restgate.reports.rows import LIST_FAILED_UP_TO, LIST_PASSED_UP_TO, Rows


class _Data:
    """pytest-html's report data as its counts behave: assigning an outcome counts one more."""

    def __init__(self) -> None:
        self._outcomes = {"passed": {"value": 0}, "failed": {"value": 0}}

    @property
    def outcomes(self) -> dict[str, dict[str, int]]:
        return self._outcomes

    @outcomes.setter
    def outcomes(self, outcome: str) -> None:
        self._outcomes[outcome.lower()]["value"] += 1


class _Html:
    def __init__(self) -> None:
        self._report = _Data()


_Html.__module__ = "pytest_html.basereport"


def _config(*plugins: Any) -> pytest.Config:
    return cast(pytest.Config, SimpleNamespace(pluginmanager=SimpleNamespace(get_plugins=lambda: list(plugins))))


def _test(name: str, call: str) -> list[pytest.TestReport]:
    nodeid = f"tests_rest/test_rest_plus.py::test_rest_plus[{name}]"
    return [pytest.TestReport(nodeid, ("t.py", 1, "t"), {}, outcome, None, when)  # type: ignore[arg-type]
            for when, outcome in (("setup", "passed"), ("call", call), ("teardown", "passed"))]


def _kept(rows: Rows, reports: list[pytest.TestReport], selected: int) -> list[bool]:
    kept = []
    for report in reports:
        cells = ["<td>cell</td>"]
        kept.append(rows.keep(report, cells, selected))
        assert bool(cells) == kept[-1]  # an emptied list is how pytest-html drops a row
    return kept


def test_a_small_run_lists_every_test() -> None:
    html = _Html()
    rows = Rows(_config(html))
    assert _kept(rows, _test("a", "passed"), LIST_PASSED_UP_TO) == [True, True, True]
    assert rows.unlisted == 0 and rows.note() == "" and html._report.outcomes["passed"]["value"] == 0


def test_a_large_run_counts_passed_tests_and_lists_failures_with_their_teardown() -> None:
    html = _Html()
    rows = Rows(_config(html))
    assert _kept(rows, _test("a", "passed"), LIST_PASSED_UP_TO + 1) == [False, False, False]
    assert _kept(rows, _test("b", "failed"), LIST_PASSED_UP_TO + 1) == [False, True, True]  # the log joins the row
    assert rows.unlisted == 1 and html._report.outcomes["passed"]["value"] == 1  # counted where pytest-html counts
    assert "1 passed test(s) are counted but not listed" in rows.note()


def test_without_pytest_html_counts_every_test_is_listed() -> None:
    rows = Rows(_config(object()))
    assert _kept(rows, _test("a", "passed"), LIST_PASSED_UP_TO + 1) == [False, True, True]
    assert rows.unlisted == 0 and rows.note() == ""


def test_a_large_run_lists_the_first_failures_and_counts_the_rest() -> None:
    html = _Html()
    rows = Rows(_config(html))
    large = LIST_PASSED_UP_TO + 1
    for n in range(LIST_FAILED_UP_TO):
        assert _kept(rows, _test(f"f{n}", "failed"), large) == [False, True, True]
    assert _kept(rows, _test("late", "failed"), large) == [False, False, False]  # counted, not listed
    assert (rows.listed_failed, rows.unlisted_failed) == (LIST_FAILED_UP_TO, 1)
    assert html._report.outcomes["failed"]["value"] == 1  # the left-out one, where pytest-html counts it
    assert f"the first {LIST_FAILED_UP_TO:,} are listed and 1 more are counted only" in rows.note()


def test_a_failed_gate_is_listed_however_many_failures_came_before() -> None:
    """The release gate's row (reports/gatecase.py) is the one the page's `1 Failed` counts: never left out."""
    from pytest_restgate.reports.release import JUNIT_NODEID

    html = _Html()
    rows = Rows(_config(html))
    for k in range(LIST_FAILED_UP_TO + 5):
        _kept(rows, _test(f"f{k}", "failed"), LIST_PASSED_UP_TO + 1)
    gate = [pytest.TestReport(JUNIT_NODEID, ("restgate", None, "release_gate"), {}, outcome, None, when)  # type: ignore[arg-type]
            for when, outcome in (("call", "failed"), ("teardown", "passed"))]
    assert _kept(rows, gate, LIST_PASSED_UP_TO + 1) == [True, True]
    assert html._report.outcomes["failed"]["value"] == 5  # the five failures past the budget, counted only
