"""A test's records cross from an xdist worker to the controller once, not with each of its three reports.

Why: a unit's records are attached in the test's setup (its unit fixture), and pytest copies `user_properties`
into the setup, call and teardown reports alike. xdist sends each report through execnet's pure-Python
serialiser, so every unit's records were encoded on the worker, piped and decoded on the controller three
times. The worker now sends a record list the controller already has as a reference (its ordinal among the
test's record lists), and the controller puts the very list it received back into the report before any other
plugin sees it: every plugin reads the same `user_properties` as before.

The worker does this only when the controller says, through `workerinput`, that it restores the references
(`WORKER_FLAG`): a controller without it still gets whole reports.
"""

from __future__ import annotations

from collections.abc import Generator
from typing import Any

import pytest

from pytest_restgate.core.records import RECORD_PROPERTY

SENT_PROPERTY = "restgate_records_sent"
"""The `user_properties` key of a reference: its value is the ordinal of a record list sent in an earlier report
of the same test."""
WORKER_FLAG = "restgate_records_once"
"""`workerinput` key: the controller restores references, so the worker may send them."""


class SendOnce:
    """Worker side: replaces record lists already sent for this test by references, while xdist sends the
    report, and puts them back afterwards (a worker-side plugin reading the report sees it whole)."""

    def __init__(self) -> None:
        self._nodeid: str | None = None
        self._sent = 0

    @pytest.hookimpl(wrapper=True, tryfirst=True)
    def pytest_runtest_logreport(self, report: pytest.TestReport) -> Generator[None, Any, Any]:
        if report.when == "setup" or report.nodeid != self._nodeid:  # a new test, or a rerun of it
            self._nodeid, self._sent = report.nodeid, 0
        whole = report.user_properties
        slim: list[tuple[str, object]] = []
        ordinal = 0
        for key, value in whole:
            if key == RECORD_PROPERTY:
                slim.append((SENT_PROPERTY, ordinal) if ordinal < self._sent else (key, value))
                ordinal += 1
            else:
                slim.append((key, value))
        self._sent = ordinal
        report.user_properties = slim
        try:
            return (yield)
        finally:
            report.user_properties = whole


class RestoreOnce:
    """Controller side: puts each referenced record list back, before every other plugin reads the report."""

    def __init__(self) -> None:
        self._held: dict[str, list[object]] = {}
        """Each running test's record lists, in the order they arrived (dropped at its teardown report)."""

    @pytest.hookimpl(wrapper=True, tryfirst=True)
    def pytest_runtest_logreport(self, report: pytest.TestReport) -> Generator[None, Any, Any]:
        self.restore(report)
        return (yield)

    def restore(self, report: pytest.TestReport) -> None:
        if report.when == "setup":
            self._held.pop(report.nodeid, None)
        held = self._held.setdefault(report.nodeid, [])
        whole: list[tuple[str, object]] = []
        for key, value in report.user_properties:
            if key == SENT_PROPERTY:
                if not isinstance(value, int) or not 0 <= value < len(held):
                    raise RuntimeError(f"restgate: the {report.when} report of {report.nodeid} refers to record "
                                       f"list #{value}, which its worker never sent ({len(held)} received)")
                whole.append((RECORD_PROPERTY, held[value]))
            else:
                if key == RECORD_PROPERTY:
                    held.append(value)
                whole.append((key, value))
        report.user_properties = whole
        if report.when == "teardown":
            del self._held[report.nodeid]


__all__ = ["SENT_PROPERTY", "WORKER_FLAG", "RestoreOnce", "SendOnce"]
