"""What the controller keeps of each test report after every plugin has read it.

Why: pytest-html and the terminal keep every report of the session (setup, call and teardown of each test) to
the end, and each of the three holds the unit's records (under xdist they cross once and the three share one
list, reports/records_wire.py; before that each arrived with its own copy). At 1,500 REST+
units that was 45 MB of decoded strings on the controller, growing with every unit (tracemalloc at the end of
the session); the collector already holds one copy for the metrics and results.jsonl. Once a test's teardown
report has been through every hook (pytest-html builds the row from all three reports then), its reports let
go of the records and of the extras (the raw responses), which pytest-html has already taken for a listed row.
Pictures leave the reports here too, before any plugin reads them (reports/pictures.py).
"""

from __future__ import annotations

from collections.abc import Callable, Generator
from pathlib import Path
from typing import Any

import pytest

from pytest_restgate.core.records import RECORD_PROPERTY
from pytest_restgate.reports import pictures


class Retention:
    """A hook wrapper around `pytest_runtest_logreport` on the controller."""

    def __init__(self, report_path: Callable[[], str]) -> None:
        self._report_path = report_path
        self._pictures: Path | None = None
        """thumbnails/ beside the report, found once (resolving --html=PATH on every report cost 0.04 ms a call)."""
        self._held: dict[str, list[pytest.TestReport]] = {}

    @pytest.hookimpl(wrapper=True)
    def pytest_runtest_logreport(self, report: pytest.TestReport) -> Generator[None, Any, Any]:
        if getattr(report, "extras", None):  # before pytest-html sees them: a file and a link, not base64
            if self._pictures is None:
                self._pictures = Path(self._report_path()).parent / pictures.FOLDER
            pictures.externalise(report, self._pictures)
        try:
            return (yield)
        finally:
            self._release(report)

    def _release(self, report: pytest.TestReport) -> None:
        if not any(key == RECORD_PROPERTY for key, _ in report.user_properties):
            return
        held = self._held.setdefault(report.nodeid, [])
        held.append(report)
        if report.when == "teardown":
            for done in self._held.pop(report.nodeid):
                done.user_properties = [(k, v) for k, v in done.user_properties if k != RECORD_PROPERTY]
                if hasattr(done, "extras"):  # pytest-html has its row (or left it out, reports/rows.py)
                    done.extras = []  # type: ignore[attr-defined]

    def pytest_sessionfinish(self, session: pytest.Session) -> None:
        """Before the terminal's summary (its hook wraps this one), drop the passed setup and teardown reports it
        can never print: for every failure it scans them all for the test's teardown output (1,443 failures x
        30,000 reports kept a 15,000-unit run busy 6 minutes after its report was written)."""
        reporter = session.config.pluginmanager.get_plugin("terminalreporter")
        quiet = getattr(reporter, "stats", {}).get("")
        if isinstance(quiet, list):
            quiet[:] = [r for r in quiet if not _never_printed(r)]


def _never_printed(report: Any) -> bool:
    """A passed setup report, or a passed teardown report without teardown output."""
    if getattr(report, "outcome", None) != "passed" or getattr(report, "when", None) not in ("setup", "teardown"):
        return False
    return report.when == "setup" or not any("teardown" in name for name, _ in getattr(report, "sections", ()))


__all__ = ["Retention"]
